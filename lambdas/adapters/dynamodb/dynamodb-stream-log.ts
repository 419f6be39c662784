import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { UiMessagePart } from '../../core/chat/ui-message-stream.js';
import type {
  AnswerPreparations,
  ChatStreamView,
  PreparingAnswer,
} from '../../core/ports/answer-preparations.js';
import type { Clock } from '../../core/ports/clock.js';
import type {
  ActiveStream,
  BeginningStream,
  StopOutcome,
  StreamBatch,
  StreamLog,
} from '../../core/ports/stream-log.js';
import { dynamoCall } from './dynamodb-errors.js';

/** Options of {@link DynamoDbStreamLog}. */
export interface DynamoDbStreamLogOptions {
  tableName: string;
  clock: Clock;
  /**
   * Recorded parts and the active-stream marker expire this long after they are written. It
   * must exceed the streaming function's timeout, so that nothing expires under a running answer.
   */
  ttlSeconds: number;
}

const sessionPk = (tenantId: string, chatId: string) => `TENANT#${tenantId}#SESSION#${chatId}`;
const ACTIVE_SK = 'STREAM';
const batchSk = (streamId: string, seq: number) =>
  `STREAM#${streamId}#${String(seq).padStart(6, '0')}`;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** A preparation as an element of the marker's string set `preparing`: `<deadlineAt>#<id>`. */
const preparingEntry = (answer: PreparingAnswer) => `${answer.deadlineAt}#${answer.preparationId}`;

const preparingOf = (stored: unknown): PreparingAnswer[] =>
  stored instanceof Set
    ? [...stored].map((entry) => {
        const text = String(entry);
        const split = text.indexOf('#');
        return { preparationId: text.slice(split + 1), deadlineAt: Number(text.slice(0, split)) };
      })
    : [];

const activeOf = (Item: Record<string, unknown> | undefined): ActiveStream | undefined =>
  Item?.type === 'ActiveStream'
    ? {
        streamId: String(Item.streamId),
        deadlineAt: Number(Item.deadlineAt),
        stopRequested: Item.stopRequested === true,
      }
    : undefined;

/**
 * The stored form of a batch's parts: each `text-delta` of the batch's one text id as its bare
 * delta string, every other part as is. A delta part's JSON is mostly its type and id (about
 * 50 bytes beside a token of 4), so this keeps a batch of ~15 tokens within one write unit (1 KB).
 */
const encodeParts = (parts: UiMessagePart[]): { parts: string; textId?: string } => {
  const ids = new Set(parts.flatMap((part) => (part.type === 'text-delta' ? [part.id] : [])));
  const [textId] = ids;
  if (ids.size !== 1 || textId === undefined) return { parts: JSON.stringify(parts) };
  const compact = parts.map((part) => (part.type === 'text-delta' ? part.delta : part));
  return { parts: JSON.stringify(compact), textId };
};

const decodeParts = (stored: string, textId: unknown): UiMessagePart[] => {
  const items = JSON.parse(stored) as (UiMessagePart | string)[];
  return items.map((item) =>
    typeof item === 'string' ? { type: 'text-delta', id: String(textId), delta: item } : item,
  );
};

/**
 * {@link StreamLog} on the application table, in the chat session's partition (so deleting
 * the session deletes its recordings): the active stream is the item `STREAM` (type
 * `ActiveStream`; `EndedStream` once it ended, naming it; `PendingStop` when a stop came with
 * none running; a stop's `stopAt` stays on it, for the chat's streams still being prepared), each batch of
 * parts one item `STREAM#<streamId>#<seq>` holding the parts as one JSON string. Every item
 * carries `expiresAt`, so recordings leave the table by TTL without a cleanup job. The answers
 * being prepared are the string set `preparing` on `STREAM` ({@link AnswerPreparations}), apart
 * from its type, so a preparation changes nothing the writers, readers and stops read of it.
 */
export class DynamoDbStreamLog implements StreamLog, AnswerPreparations {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: DynamoDbStreamLogOptions,
  ) {}

  async begin(
    tenantId: string,
    chatId: string,
    stream: BeginningStream,
  ): Promise<{ stopRequested: boolean }> {
    // An update, not a put: a kept stop's `stopAt` stays on the item for the streams that
    // begin later, and the item it updates says, at no extra round trip, whether one came first.
    // The stream's preparation ends in the same write; the chat's other ones stay.
    const prepared =
      stream.preparationId === undefined
        ? undefined
        : preparingEntry({ preparationId: stream.preparationId, deadlineAt: stream.deadlineAt });
    const { Attributes: before } = await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: sessionPk(tenantId, chatId), sk: ACTIVE_SK },
          UpdateExpression: `SET #type = :active, streamId = :id, deadlineAt = :deadline, stopRequested = :no, expiresAt = :expires${prepared === undefined ? '' : ' DELETE preparing :prepared'}`,
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':active': 'ActiveStream',
            ':id': stream.streamId,
            ':deadline': stream.deadlineAt,
            ':no': false,
            ':expires': this.#expiresAt(),
            ...(prepared === undefined ? {} : { ':prepared': new Set([prepared]) }),
          },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    const keptStopAt = before?.stopAt === undefined ? Number.NaN : Number(before.stopAt);
    return { stopRequested: keptStopAt >= stream.requestedAt };
  }

  async append(
    tenantId: string,
    chatId: string,
    streamId: string,
    batch: StreamBatch,
  ): Promise<void> {
    await dynamoCall(() =>
      this.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            pk: sessionPk(tenantId, chatId),
            sk: batchSk(streamId, batch.seq),
            type: 'StreamBatch',
            ...encodeParts(batch.parts),
            ...(batch.final ? { final: true } : {}),
            expiresAt: this.#expiresAt(),
          },
        }),
      ),
    );
  }

  async active(
    tenantId: string,
    chatId: string,
    options: { consistent?: boolean } = {},
  ): Promise<ActiveStream | undefined> {
    const Item = await this.#marker(tenantId, chatId, {
      ConsistentRead: options.consistent ?? false,
    });
    return activeOf(Item);
  }

  async prepare(tenantId: string, chatId: string, answer: PreparingAnswer): Promise<void> {
    await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: sessionPk(tenantId, chatId), sk: ACTIVE_SK },
          UpdateExpression: 'ADD preparing :entry SET expiresAt = :expires',
          ExpressionAttributeValues: {
            ':entry': new Set([preparingEntry(answer)]),
            ':expires': this.#expiresAt(),
          },
        }),
      ),
    );
  }

  async abandon(tenantId: string, chatId: string, answer: PreparingAnswer): Promise<void> {
    const entry = preparingEntry(answer);
    try {
      await dynamoCall(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key: { pk: sessionPk(tenantId, chatId), sk: ACTIVE_SK },
            UpdateExpression: 'DELETE preparing :entries',
            // Only an item holding it: an update of a missing item would write one without a TTL.
            ConditionExpression: 'contains(preparing, :entry)',
            ExpressionAttributeValues: { ':entries': new Set([entry]), ':entry': entry },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async view(tenantId: string, chatId: string): Promise<ChatStreamView> {
    const Item = await this.#marker(tenantId, chatId, { ConsistentRead: true });
    const active = activeOf(Item);
    return {
      ...(active ? { active } : {}),
      preparing: preparingOf(Item?.preparing),
      ...(Item?.endedStreamId === undefined ? {} : { lastEnded: String(Item.endedStreamId) }),
    };
  }

  async stopRequestedAt(tenantId: string, chatId: string): Promise<number | undefined> {
    const Item = await this.#marker(tenantId, chatId, { ProjectionExpression: 'stopAt' });
    return Item?.stopAt === undefined ? undefined : Number(Item.stopAt);
  }

  /** The chat's `STREAM` item (an active stream or a kept stop), if any. */
  async #marker(
    tenantId: string,
    chatId: string,
    read: { ConsistentRead?: boolean; ProjectionExpression?: string },
  ): Promise<Record<string, unknown> | undefined> {
    const { Item } = await dynamoCall(() =>
      this.client.send(
        new GetCommand({
          TableName: this.options.tableName,
          Key: { pk: sessionPk(tenantId, chatId), sk: ACTIVE_SK },
          ...read,
        }),
      ),
    );
    return Item;
  }

  async read(
    tenantId: string,
    chatId: string,
    streamId: string,
    fromSeq: number,
  ): Promise<StreamBatch[]> {
    const batches: StreamBatch[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoCall(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.options.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': sessionPk(tenantId, chatId),
              ':from': batchSk(streamId, fromSeq),
              ':to': `STREAM#${streamId}#~`,
            },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        batches.push({
          seq: Number(sk.slice(sk.lastIndexOf('#') + 1)),
          parts: decodeParts(String(item.parts), item.textId),
          final: item.final === true,
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return batches;
  }

  async requestStop(
    tenantId: string,
    chatId: string,
    options: { staleBefore: number; requestedAt: number },
  ): Promise<StopOutcome> {
    const Key = { pk: sessionPk(tenantId, chatId), sk: ACTIVE_SK };
    const live = '#type = :active AND deadlineAt >= :stale';
    // A stop delivered late never lowers the kept stopAt: a later stop's must go on stopping
    // the streams whose requests came before it.
    const notNewer = '(attribute_not_exists(stopAt) OR stopAt <= :stopAt)';
    const newer = 'stopAt > :stopAt';
    const values = {
      ':active': 'ActiveStream',
      ':stale': options.staleBefore,
      ':stopAt': options.requestedAt,
    };
    const expires = this.#expiresAt();
    // Exactly one condition holds at any moment; a change between two attempts makes the
    // next hold.
    const attempts: Array<{
      outcome: StopOutcome;
      update: string;
      condition: string;
      values: Record<string, unknown>;
    }> = [
      {
        outcome: 'running',
        update: 'SET stopRequested = :yes, stopAt = :stopAt',
        condition: `${live} AND ${notNewer}`,
        values: { ...values, ':yes': true },
      },
      {
        outcome: 'running',
        update: 'SET stopRequested = :yes',
        condition: `${live} AND ${newer}`,
        values: { ...values, ':yes': true },
      },
      {
        outcome: 'pending',
        update:
          'SET #type = :pending, stopAt = :stopAt, expiresAt = :expires REMOVE streamId, deadlineAt, stopRequested',
        condition: `NOT (${live}) AND ${notNewer}`,
        values: { ...values, ':pending': 'PendingStop', ':expires': expires },
      },
      {
        outcome: 'pending',
        update: 'SET expiresAt = :expires',
        condition: `NOT (${live}) AND ${newer}`,
        values: { ...values, ':expires': expires },
      },
    ];
    for (let round = 0; round < 2; round += 1) {
      for (const attempt of attempts) {
        try {
          await dynamoCall(() =>
            this.client.send(
              new UpdateCommand({
                TableName: this.options.tableName,
                Key,
                UpdateExpression: attempt.update,
                ConditionExpression: attempt.condition,
                ExpressionAttributeNames: { '#type': 'type' },
                ExpressionAttributeValues: attempt.values,
              }),
            ),
          );
          return attempt.outcome;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
    }
    throw new Error('the active stream kept changing while a stop was requested');
  }

  async end(tenantId: string, chatId: string, streamId: string): Promise<void> {
    // The item stays (until its TTL), naming the stream that ended: a reader of an older stream
    // that finds no marker learns from it that a newer answer came and went, not its own writer.
    // A kept stop's `stopAt` stays too, for a stream of the chat still being prepared.
    try {
      await dynamoCall(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key: { pk: sessionPk(tenantId, chatId), sk: ACTIVE_SK },
            UpdateExpression:
              'SET #type = :ended, endedStreamId = :id REMOVE streamId, deadlineAt, stopRequested',
            ConditionExpression: 'streamId = :id',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':id': streamId, ':ended': 'EndedStream' },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async lastEnded(tenantId: string, chatId: string): Promise<string | undefined> {
    const Item = await this.#marker(tenantId, chatId, {
      ConsistentRead: true,
      ProjectionExpression: 'endedStreamId',
    });
    return Item?.endedStreamId === undefined ? undefined : String(Item.endedStreamId);
  }

  #expiresAt(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000) + this.options.ttlSeconds;
  }
}
