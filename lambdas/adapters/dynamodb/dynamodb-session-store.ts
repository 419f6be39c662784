import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/ports/clock.js';
import type { Page, PageRequest } from '../../core/ports/document-store.js';
import type {
  AppendTurnOptions,
  SessionStore,
  SessionSummary,
  StoredMessage,
  Turn,
} from '../../core/ports/session-store.js';
import { truncate } from '../../core/text/truncate.js';
import { countLiveMessages } from './count-live-messages.js';
import { dynamoCall } from './dynamodb-errors.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { LISTING_INDEX } from './table-schema.js';
import { sendTransaction } from './transact-write.js';

/** Options of {@link DynamoDbSessionStore}. */
export interface DynamoDbSessionStoreOptions {
  tableName: string;
  clock: Clock;
  /** Sessions expire this long after their last turn; each message this long after it is written. */
  ttlDays: number;
  /** Attempts of a turn's transaction when concurrent turns on the session conflict. */
  maxConflictRetries?: number;
}

const tenantPrefix = (tenantId: string) => `TENANT#${tenantId}#`;
const sessionPk = (tenantId: string, sessionId: string) =>
  `${tenantPrefix(tenantId)}SESSION#${sessionId}`;
const sessionsListPk = (tenantId: string) => `${tenantPrefix(tenantId)}SESSIONS`;
const TITLE_CHARS = 80;

const toMessage = (item: Record<string, unknown>): StoredMessage => {
  const { id, role, content, createdAt, sources, usage, model, incomplete } = item;
  return {
    id: String(id),
    role: role === 'assistant' ? 'assistant' : 'user',
    content: String(content),
    createdAt: String(createdAt),
    ...(sources ? { sources: sources as StoredMessage['sources'] } : {}),
    ...(usage ? { usage: usage as StoredMessage['usage'] } : {}),
    ...(model ? { model: String(model) } : {}),
    ...(incomplete ? { incomplete: true } : {}),
  };
};

const toSummary = (item: Record<string, unknown>, messageCount: number): SessionSummary => ({
  sessionId: String(item.sessionId),
  title: String(item.title),
  createdAt: String(item.createdAt),
  updatedAt: String(item.updatedAt),
  messageCount,
});

/**
 * Whether every message the summary's `messageCount` counts is still live at `epoch`: none
 * expires before `messagesExpireFrom`, the expiry of the session's first turn (summaries
 * written before it was kept have none, so their count is not trusted).
 */
const countIsLive = (item: Record<string, unknown>, epoch: number): boolean =>
  typeof item.messagesExpireFrom === 'number' && item.messagesExpireFrom > epoch;

/** The turn's transaction failed on its third action's condition: the session is gone. */
const summaryConditionFailed = (error: unknown) =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[2]?.Code === 'ConditionalCheckFailed';

/**
 * {@link SessionStore} on the application table: one item per message (never one growing
 * item), all in the session's partition, plus one summary item per session that the listing
 * index sorts by last activity. A turn's two messages and the summary update are one
 * transaction; each message is written with `attribute_not_exists`, so concurrent turns on
 * one session never overwrite each other (conflicting transactions are retried with jitter).
 *
 * Each message expires `ttlDays` after it was written, the session `ttlDays` after its last
 * turn, so a long-lived session outlives its first messages. The summary's `messageCount`
 * counts every message stored; it also keeps `messagesExpireFrom`, when its first turn
 * expires. Until then the count is exact; from then on, {@link list} counts the session's
 * live messages instead (one `Query` per such session of the page), as reads of messages
 * leave out the expired ones.
 */
export class DynamoDbSessionStore implements SessionStore {
  readonly #options: Required<DynamoDbSessionStoreOptions>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoDbSessionStoreOptions,
  ) {
    this.#options = { maxConflictRetries: 10, ...options };
  }

  async exists(tenantId: string, sessionId: string): Promise<boolean> {
    const { Item } = await dynamoCall(() =>
      this.client.send(
        new GetCommand({
          TableName: this.#options.tableName,
          Key: { pk: sessionPk(tenantId, sessionId), sk: 'SESSION' },
          ProjectionExpression: 'pk, expiresAt',
        }),
      ),
    );
    return Item !== undefined && !(Number(Item.expiresAt) <= this.#nowEpoch());
  }

  /**
   * Now in epoch seconds, as `expiresAt` counts: DynamoDB deletes an expired item within days,
   * not at once, so reads leave out what has expired (as AWS advises).
   */
  #nowEpoch(): number {
    return Math.floor(this.#options.clock.now().getTime() / 1000);
  }

  async getMessages(
    tenantId: string,
    sessionId: string,
    page: PageRequest,
  ): Promise<Page<StoredMessage> | undefined> {
    const pk = sessionPk(tenantId, sessionId);
    const [exists, result] = await Promise.all([
      this.exists(tenantId, sessionId),
      dynamoCall(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.#options.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
            FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :epoch',
            ExpressionAttributeValues: { ':pk': pk, ':msg': 'MSG#', ':epoch': this.#nowEpoch() },
            ScanIndexForward: false,
            Limit: page.limit,
            ExclusiveStartKey: decodeCursor(page.cursor, {
              attributes: ['pk', 'sk'],
              equal: { pk },
              prefixed: { sk: 'MSG#' },
            }),
          }),
        ),
      ),
    ]);
    if (!exists) return undefined;
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map(toMessage),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async appendTurn(
    tenantId: string,
    sessionId: string,
    turn: Turn,
    options: AppendTurnOptions = {},
  ): Promise<boolean> {
    const { updatedAt, expiresAt } = this.#activity();
    const pk = sessionPk(tenantId, sessionId);
    // Both messages sort by the question's time and stay together: answers to two questions
    // in flight at once in a session each follow their own question, whichever ends first.
    const turnKey = `MSG#${turn.user.createdAt}#${turn.user.id}`;
    const messageItem = (message: StoredMessage, order: number) => ({
      Put: {
        TableName: this.#options.tableName,
        Item: {
          pk,
          sk: `${turnKey}#${order}`,
          type: 'Message',
          ...message,
          expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    const command = new TransactWriteCommand({
      TransactItems: [
        messageItem(turn.user, 0),
        messageItem(turn.assistant, 1),
        {
          Update: {
            TableName: this.#options.tableName,
            Key: { pk, sk: 'SESSION' },
            UpdateExpression:
              'SET #type = :type, sessionId = :sid, tenantId = :tenant, updatedAt = :now, ' +
              'expiresAt = :ttl, gsi1pk = :listPk, gsi1sk = :listSk, ' +
              'createdAt = if_not_exists(createdAt, :now), title = if_not_exists(title, :title), ' +
              'messagesExpireFrom = if_not_exists(messagesExpireFrom, :ttl) ' +
              'ADD messageCount :two',
            ExpressionAttributeNames: { '#type': 'type' },
            // A deleted session is not re-created by the end of an answer begun before.
            ...(options.continuing
              ? { ConditionExpression: 'attribute_exists(pk) AND expiresAt > :epoch' }
              : {}),
            ExpressionAttributeValues: {
              ...(options.continuing ? { ':epoch': this.#nowEpoch() } : {}),
              ':type': 'Session',
              ':sid': sessionId,
              ':tenant': tenantId,
              ':now': updatedAt,
              ':ttl': expiresAt,
              ':listPk': sessionsListPk(tenantId),
              ':listSk': `${updatedAt}#${sessionId}`,
              ':title': truncate(turn.user.content.replace(/\s+/g, ' ').trim(), TITLE_CHARS),
              ':two': 2,
            },
          },
        },
      ],
    });
    try {
      await sendTransaction(this.client, command, {
        maxAttempts: this.#options.maxConflictRetries,
      });
      return true;
    } catch (error) {
      if (options.continuing && summaryConditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * One `Query` finds the session's newest message; if it is the answer to replace, one
   * transaction puts the new answer under its key (on condition it still holds that answer),
   * gives its question the same expiry (a turn expires whole: an answer left without its
   * question would be history of nothing) and refreshes the summary's activity (on condition
   * the session exists).
   */
  async replaceLastAnswer(
    tenantId: string,
    sessionId: string,
    change: { replaces: string; assistant: StoredMessage },
  ): Promise<boolean> {
    const pk = sessionPk(tenantId, sessionId);
    const newest = await dynamoCall(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.#options.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
          ExpressionAttributeValues: { ':pk': pk, ':msg': 'MSG#' },
          ExpressionAttributeNames: { '#id': 'id' },
          ProjectionExpression: 'sk, #id',
          ScanIndexForward: false,
          Limit: 1,
        }),
      ),
    );
    const last = newest.Items?.[0];
    if (last?.id !== change.replaces) return false;
    const answerKey = String(last.sk);
    const questionKey = answerKey.replace(/#1$/, '#0');
    const { updatedAt, expiresAt } = this.#activity();
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.#options.tableName,
            Item: { pk, sk: answerKey, type: 'Message', ...change.assistant, expiresAt },
            ConditionExpression: '#id = :replaced',
            ExpressionAttributeNames: { '#id': 'id' },
            ExpressionAttributeValues: { ':replaced': change.replaces },
          },
        },
        ...(questionKey === answerKey
          ? []
          : [
              {
                Update: {
                  TableName: this.#options.tableName,
                  Key: { pk, sk: questionKey },
                  UpdateExpression: 'SET expiresAt = :ttl',
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeValues: { ':ttl': expiresAt },
                },
              },
            ]),
        {
          Update: {
            TableName: this.#options.tableName,
            Key: { pk, sk: 'SESSION' },
            UpdateExpression: 'SET updatedAt = :now, expiresAt = :ttl, gsi1sk = :listSk',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: {
              ':now': updatedAt,
              ':ttl': expiresAt,
              ':listSk': `${updatedAt}#${sessionId}`,
            },
          },
        },
      ],
    });
    try {
      await sendTransaction(this.client, command, {
        maxAttempts: this.#options.maxConflictRetries,
      });
      return true;
    } catch (error) {
      const refused =
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some(
          (reason) => reason.Code === 'ConditionalCheckFailed',
        );
      if (refused) return false;
      throw error;
    }
  }

  /** Now, as a session's last activity, and when its items expire (`ttlDays` from now). */
  #activity(): { updatedAt: string; expiresAt: number } {
    const now = this.#options.clock.now();
    return {
      updatedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + Math.round(this.#options.ttlDays * 86_400),
    };
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<SessionSummary>> {
    const listPk = sessionsListPk(tenantId);
    const epoch = this.#nowEpoch();
    const result = await dynamoCall(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.#options.tableName,
          IndexName: LISTING_INDEX,
          KeyConditionExpression: 'gsi1pk = :pk',
          FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :epoch',
          ExpressionAttributeValues: { ':pk': listPk, ':epoch': epoch },
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(page.cursor, {
            attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
            equal: { gsi1pk: listPk, sk: 'SESSION' },
            prefixed: { pk: tenantPrefix(tenantId) },
          }),
        }),
      ),
    );
    const items = await Promise.all(
      (result.Items ?? []).map(async (item) =>
        toSummary(
          item,
          countIsLive(item, epoch)
            ? Number(item.messageCount)
            : await countLiveMessages(this.client, this.#options.tableName, String(item.pk), epoch),
        ),
      ),
    );
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  async delete(tenantId: string, sessionId: string): Promise<boolean> {
    const pk = sessionPk(tenantId, sessionId);
    // The summary goes first: a turn that continues the session is stored only while it exists,
    // so none can land after the messages below are listed. Removed last (it sorts after the
    // messages), a turn stored in between survived the deletion and came back with a new
    // session of the same id.
    const { Attributes } = await dynamoCall(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.#options.tableName,
          Key: { pk, sk: 'SESSION' },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (!Attributes) return false;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoCall(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.#options.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ProjectionExpression: 'pk, sk',
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      const keys = (page.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk }));
      for (let index = 0; index < keys.length; index += 25) {
        await this.#deleteBatch(keys.slice(index, index + 25));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return true;
  }

  async #deleteBatch(keys: Record<string, unknown>[]): Promise<void> {
    let pending = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await dynamoCall(() =>
        this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.#options.tableName]: pending } }),
        ),
      );
      pending = (result.UnprocessedItems?.[this.#options.tableName] ?? []) as typeof pending;
      if (attempt > 8) throw new Error('DynamoDB left items unprocessed after retries');
    }
  }
}
