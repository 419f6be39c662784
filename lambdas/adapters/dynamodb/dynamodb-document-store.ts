import { createHash, randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type DocumentRecord,
  type DocumentStatus,
  type DocumentStore,
  type DocumentTransition,
  type DocumentVersion,
  type Page,
  type PageRequest,
  PENDING_STATUSES,
  type PublishedVersion,
  type PublishStatus,
  type ReservedVersion,
  type StalePosition,
} from '../../core/ports/document-store.js';
import { documentKey } from './document-key.js';
import { dynamoCall } from './dynamodb-errors.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { LISTING_INDEX, PENDING_INDEX } from './table-schema.js';
import { sendTransaction } from './transact-write.js';

const tenantPrefix = (tenantId: string) => `TENANT#${tenantId}#`;

/** Key of the item that maps a title to its document and counts its versions. */
const titleKey = (tenantId: string, title: string) => ({
  pk: `${tenantPrefix(tenantId)}DOCTITLE#${createHash('sha256').update(title).digest('hex')}`,
  sk: 'DOCTITLE',
});

/** Partition of the tenant's documents in the listing index. */
const listingPk = (tenantId: string) => `${tenantPrefix(tenantId)}DOCS`;

const STATUSES: readonly DocumentStatus[] = [
  'awaiting-upload',
  'queued',
  'indexing',
  'ready',
  'failed',
  'deleting',
];

/**
 * Partitions of the pending index. Every upload writes it, so it is spread over a few
 * partition keys (by the document id's first hex digit) instead of one hot key.
 */
const PENDING_SHARDS = 4;

const pendingShard = (documentId: string) =>
  `PENDING#${Number.parseInt(documentId[0] ?? '0', 16) % PENDING_SHARDS || 0}`;

/** Attribute values that put a document in the pending index as of `at`. */
const pendingKeys = (tenantId: string, documentId: string, at: string) => ({
  ':pendingPk': pendingShard(documentId),
  ':pendingSk': `${at}#${tenantId}#${documentId}`,
});

const PENDING_SET = ['gsi2pk = :pendingPk', 'gsi2sk = :pendingSk'];
const PENDING_REMOVE = ['gsi2pk', 'gsi2sk'];

const toRecord = (item: Record<string, unknown>): DocumentRecord => ({
  tenantId: String(item.tenantId),
  documentId: String(item.documentId),
  title: String(item.title),
  version: Number(item.version),
  status: STATUSES.find((status) => status === item.status) ?? 'failed',
  contentType: String(item.contentType),
  sizeBytes: Number(item.sizeBytes),
  blobKey: String(item.blobKey),
  ...(item.contentHash !== undefined ? { contentHash: String(item.contentHash) } : {}),
  ...(item.textHash !== undefined ? { textHash: String(item.textHash) } : {}),
  ...(item.textKey !== undefined ? { textKey: String(item.textKey) } : {}),
  ...(item.parts !== undefined ? { parts: Number(item.parts) } : {}),
  ...(item.parts !== undefined
    ? { partsDone: item.partsDone instanceof Set ? item.partsDone.size : 0 }
    : {}),
  ...(item.metadata ? { metadata: item.metadata as DocumentRecord['metadata'] } : {}),
  ...(item.chunkCount !== undefined ? { chunkCount: Number(item.chunkCount) } : {}),
  ...(item.error !== undefined ? { error: String(item.error) } : {}),
  ...(item.attempts !== undefined ? { attempts: Number(item.attempts) } : {}),
  ...(item.requeues !== undefined ? { requeues: Number(item.requeues) } : {}),
  ...(item.queuedInBulk === true ? { queuedInBulk: true } : {}),
  createdAt: String(item.createdAt),
  updatedAt: String(item.updatedAt),
});

const updateExpression = (set: string[], remove: string[]): string =>
  `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`;

const failedCondition = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** Which actions of a cancelled transaction failed their condition, by position. */
const failedConditions = (error: TransactionCanceledException): boolean[] =>
  (error.CancellationReasons ?? []).map((reason) => reason.Code === 'ConditionalCheckFailed');

/**
 * {@link DocumentStore} on the application table. Every key starts with the tenant:
 *
 * | item        | pk                                   | sk         | gsi1pk               | gsi1sk                  |
 * |-------------|--------------------------------------|------------|----------------------|-------------------------|
 * | document    | `TENANT#<t>#DOC#<documentId>`        | `DOC`      | `TENANT#<t>#DOCS`    | `<createdAt>#<documentId>` |
 * | title claim | `TENANT#<t>#DOCTITLE#<sha256(title)>`| `DOCTITLE` |                      |                         |
 *
 * While a document is `queued`, `indexing` or `deleting` it also carries the keys of the
 * sparse pending index (`gsi2pk` = `PENDING#<shard>`, `gsi2sk` = `<updatedAt>#<t>#<id>`), which
 * {@link listStale} reads; reaching `ready` or `failed` removes them.
 *
 * The title claim maps a title to its document id and counts its versions: one atomic
 * `UpdateItem` (`if_not_exists` on the id, `ADD` on the counter) gives concurrent uploads of
 * one title the same document and distinct version numbers. The document item is then
 * published in one transaction with a check that the title still names the document (a
 * deletion removes the claim last) and a condition on the document (`version < :v`, not
 * `deleting`), so a slower, older upload never overwrites a newer one and no upload revives a
 * document being deleted. Reads of a single document are strongly consistent (the indexer compares
 * versions); listings go through the listing index, newest first, with opaque cursors that
 * are checked to belong to the caller's tenant.
 */
export class DynamoDbDocumentStore implements DocumentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One conditional `UpdateItem` on a document's record: the attributes it asked back for, or
   * `undefined` when the condition failed (the record changed or is gone).
   */
  async #updateRecordIf(
    tenantId: string,
    documentId: string,
    update: Omit<UpdateCommandInput, 'TableName' | 'Key'> & { ConditionExpression: string },
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const { Attributes } = await dynamoCall(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: documentKey(tenantId, documentId),
            ...update,
          }),
        ),
      );
      return Attributes ?? {};
    } catch (error) {
      if (failedCondition(error)) return undefined;
      throw error;
    }
  }

  async reserveVersion(tenantId: string, title: string): Promise<ReservedVersion> {
    const { Attributes } = await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: titleKey(tenantId, title),
          UpdateExpression:
            'SET documentId = if_not_exists(documentId, :id), tenantId = :tenant, title = :title, #type = :type ADD lastVersion :one',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':id': randomUUID(),
            ':tenant': tenantId,
            ':title': title,
            ':type': 'DocumentTitle',
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return { documentId: String(Attributes?.documentId), version: Number(Attributes?.lastVersion) };
  }

  async publishVersion(
    version: DocumentVersion,
    at: string,
    status: PublishStatus = 'queued',
  ): Promise<PublishedVersion> {
    const { tenantId, documentId, metadata } = version;
    try {
      await sendTransaction(
        this.client,
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: titleKey(tenantId, version.title),
                UpdateExpression: 'SET publishedAt = :at',
                ConditionExpression: 'documentId = :id',
                ExpressionAttributeValues: { ':id': documentId, ':at': at },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: documentKey(tenantId, documentId),
                UpdateExpression: updateExpression(
                  [
                    '#type = :type',
                    'tenantId = :tenant',
                    'documentId = :id',
                    'title = :title',
                    'version = :version',
                    '#status = :queued',
                    'contentType = :contentType',
                    'sizeBytes = :size',
                    'blobKey = :blobKey',
                    'updatedAt = :at',
                    'createdAt = if_not_exists(createdAt, :at)',
                    'gsi1pk = :listing',
                    'gsi1sk = if_not_exists(gsi1sk, :sortKey)',
                    ...PENDING_SET,
                    ...(metadata ? ['metadata = :metadata'] : []),
                    ...(version.contentHash ? ['contentHash = :contentHash'] : []),
                    ...(version.textHash ? ['textHash = :textHash'] : []),
                    ...(version.textKey ? ['textKey = :textKey'] : []),
                  ],
                  [
                    ...(version.contentHash ? [] : ['contentHash']),
                    ...(version.textHash ? [] : ['textHash']),
                    ...(version.textKey ? [] : ['textKey']),
                    'parts',
                    'partsDone',
                    'chunkCount',
                    '#error',
                    'attempts',
                    'requeues',
                    'queuedInBulk',
                    ...(metadata ? [] : ['metadata']),
                  ],
                ),
                ConditionExpression:
                  'attribute_not_exists(pk) OR (version < :version AND #status <> :deleting)',
                ExpressionAttributeNames: {
                  '#type': 'type',
                  '#status': 'status',
                  '#error': 'error',
                },
                ExpressionAttributeValues: {
                  ':type': 'Document',
                  ':tenant': tenantId,
                  ':id': documentId,
                  ':title': version.title,
                  ':version': version.version,
                  ':queued': status,
                  ':deleting': 'deleting',
                  ':contentType': version.contentType,
                  ':size': version.sizeBytes,
                  ':blobKey': version.blobKey,
                  ':at': at,
                  ':listing': listingPk(tenantId),
                  ':sortKey': `${at}#${documentId}`,
                  ...pendingKeys(tenantId, documentId, at),
                  ...(metadata ? { ':metadata': metadata } : {}),
                  ...(version.contentHash ? { ':contentHash': version.contentHash } : {}),
                  ...(version.textHash ? { ':textHash': version.textHash } : {}),
                  ...(version.textKey ? { ':textKey': version.textKey } : {}),
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [titleMoved] = failedConditions(error);
      const record = titleMoved ? undefined : await this.get(tenantId, documentId);
      if (!record || record.status === 'deleting') return { outcome: 'deleted' };
      return { outcome: 'superseded', record };
    }
    // The transaction's conditions made this version current: reading it back would cost a
    // round trip per upload to learn what was just written.
    return { outcome: 'current' };
  }

  async findByTitle(tenantId: string, title: string): Promise<DocumentRecord | undefined> {
    const { Item } = await dynamoCall(() =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: titleKey(tenantId, title),
          ConsistentRead: true,
        }),
      ),
    );
    return Item?.documentId ? this.get(tenantId, String(Item.documentId)) : undefined;
  }

  async get(tenantId: string, documentId: string): Promise<DocumentRecord | undefined> {
    const { Item } = await dynamoCall(() =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: documentKey(tenantId, documentId),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<DocumentRecord>> {
    const startKey = decodeCursor(page.cursor, {
      attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
      equal: { gsi1pk: listingPk(tenantId), sk: 'DOC' },
      prefixed: { pk: tenantPrefix(tenantId) },
    });
    // One item more than asked tells whether another page exists, so the last page has no cursor.
    const { Items = [] } = await dynamoCall(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: LISTING_INDEX,
          KeyConditionExpression: 'gsi1pk = :listing',
          ExpressionAttributeValues: { ':listing': listingPk(tenantId) },
          ScanIndexForward: false,
          Limit: page.limit + 1,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    const items = Items.slice(0, page.limit);
    const last = items.at(-1);
    const nextCursor =
      Items.length > page.limit && last
        ? encodeCursor({ pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk })
        : undefined;
    return { items: items.map(toRecord), ...(nextCursor ? { nextCursor } : {}) };
  }

  async transition(
    tenantId: string,
    documentId: string,
    version: number,
    change: DocumentTransition,
  ): Promise<boolean> {
    return (await this.#transition(tenantId, documentId, version, change)) !== undefined;
  }

  async startIndexing(
    tenantId: string,
    documentId: string,
    version: number,
    start: { attempts: number; at: string },
  ): Promise<DocumentRecord | undefined> {
    const change = { status: 'indexing' as const, ...start };
    const record = await this.#transition(tenantId, documentId, version, change, 'ALL_NEW', {
      // `isStartable`, as a condition.
      expression:
        '(#status IN (:queued, :indexing) OR (#status = :failed AND ' +
        '(attribute_not_exists(attempts) OR attempts = :zero) AND requeues > :zero))',
      values: { ':queued': 'queued', ':indexing': 'indexing', ':failed': 'failed', ':zero': 0 },
    });
    return record ? toRecord(record) : undefined;
  }

  /** The conditional update of {@link transition}: what `returnValues` asked back, or undefined. */
  async #transition(
    tenantId: string,
    documentId: string,
    version: number,
    change: DocumentTransition,
    returnValues: 'NONE' | 'ALL_NEW' = 'NONE',
    also?: { expression: string; values: Record<string, unknown> },
  ): Promise<Record<string, unknown> | undefined> {
    const pending = PENDING_STATUSES.includes(change.status);
    const set = ['#status = :status', 'updatedAt = :at', ...(pending ? PENDING_SET : [])];
    const remove: string[] = pending ? [] : [...PENDING_REMOVE];
    const values: Record<string, unknown> = {
      ':status': change.status,
      ':at': change.at,
      ':version': version,
      ':deleting': 'deleting',
      ...(pending ? pendingKeys(tenantId, documentId, change.at) : {}),
    };
    if (change.chunkCount !== undefined) {
      set.push('chunkCount = :chunkCount');
      values[':chunkCount'] = change.chunkCount;
    } else remove.push('chunkCount');
    if (change.error !== undefined) {
      set.push('#error = :error');
      values[':error'] = change.error;
    } else remove.push('#error');
    if (change.attempts !== undefined) {
      set.push('attempts = :attempts');
      values[':attempts'] = change.attempts;
    }
    if (change.requeues !== undefined) {
      set.push('requeues = :requeues');
      values[':requeues'] = change.requeues;
    }
    if (change.queuedInBulk === true) {
      set.push('queuedInBulk = :queuedInBulk');
      values[':queuedInBulk'] = true;
    } else remove.push('queuedInBulk');
    let condition = 'attribute_exists(pk) AND version = :version AND #status <> :deleting';
    if (change.ifUpdatedAt !== undefined) {
      condition += ' AND updatedAt = :ifUpdatedAt';
      values[':ifUpdatedAt'] = change.ifUpdatedAt;
    }
    if (change.ifStatus !== undefined) {
      const statuses = typeof change.ifStatus === 'string' ? [change.ifStatus] : change.ifStatus;
      const names = statuses.map((_, index) => `:ifStatus${index}`);
      condition += ` AND #status IN (${names.join(', ')})`;
      statuses.forEach((status, index) => {
        values[names[index]!] = status;
      });
    }
    if (also !== undefined) {
      condition += ` AND ${also.expression}`;
      Object.assign(values, also.values);
    }
    return this.#updateRecordIf(tenantId, documentId, {
      UpdateExpression: updateExpression(set, remove),
      ConditionExpression: condition,
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: values,
      ReturnValues: returnValues,
    });
  }

  async startParts(
    tenantId: string,
    documentId: string,
    version: number,
    parts: number,
    at: string,
  ): Promise<boolean> {
    const updated = await this.#updateRecordIf(tenantId, documentId, {
      UpdateExpression: updateExpression(
        ['parts = :parts', 'updatedAt = :at', ...PENDING_SET],
        ['partsDone'],
      ),
      ConditionExpression: 'attribute_exists(pk) AND version = :version AND #status = :indexing',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':parts': parts,
        ':at': at,
        ':version': version,
        ':indexing': 'indexing',
        ...pendingKeys(tenantId, documentId, at),
      },
    });
    return updated !== undefined;
  }

  /**
   * One `UpdateItem` adds the part's number to the number set `partsDone` (adding a member
   * twice leaves a set as it was, so a redelivered part counts once) under a condition on the
   * version, the status and the split, and answers the set's new size. Like starting the
   * parts, it moves the record's place in the pending index to `at`: a version whose parts make
   * progress is not stale.
   */
  async completePart(
    tenantId: string,
    documentId: string,
    version: number,
    split: { part: number; parts: number },
    at: string,
  ): Promise<{ done: number; parts: number } | undefined> {
    const updated = await this.#updateRecordIf(tenantId, documentId, {
      UpdateExpression: `SET ${['updatedAt = :at', ...PENDING_SET].join(', ')} ADD partsDone :part`,
      ConditionExpression:
        'attribute_exists(pk) AND version = :version AND #status = :indexing AND parts = :parts',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':at': at,
        ':part': new Set([split.part]),
        ':version': version,
        ':indexing': 'indexing',
        ':parts': split.parts,
        ...pendingKeys(tenantId, documentId, at),
      },
      ReturnValues: 'UPDATED_NEW',
    });
    if (updated === undefined) return undefined;
    const done = updated.partsDone instanceof Set ? updated.partsDone.size : 0;
    return { done, parts: split.parts };
  }

  async markDeleting(
    tenantId: string,
    documentId: string,
    at: string,
  ): Promise<DocumentRecord | undefined> {
    const updated = await this.#updateRecordIf(tenantId, documentId, {
      UpdateExpression: updateExpression(
        ['#status = :deleting', 'updatedAt = :at', ...PENDING_SET],
        [],
      ),
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':deleting': 'deleting',
        ':at': at,
        ...pendingKeys(tenantId, documentId, at),
      },
      ReturnValues: 'ALL_OLD',
    });
    return updated ? toRecord(updated) : undefined;
  }

  async restoreDeleting(replaced: DocumentRecord, tombstoneAt: string): Promise<boolean> {
    if (replaced.status === 'deleting') return false;
    const { tenantId, documentId } = replaced;
    const pending = PENDING_STATUSES.includes(replaced.status);
    const restored = await this.#updateRecordIf(tenantId, documentId, {
      UpdateExpression: updateExpression(
        ['#status = :status', 'updatedAt = :at', ...(pending ? PENDING_SET : [])],
        pending ? [] : PENDING_REMOVE,
      ),
      ConditionExpression:
        '#status = :deleting AND updatedAt = :tombstoneAt AND version = :version',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': replaced.status,
        ':at': replaced.updatedAt,
        ':deleting': 'deleting',
        ':tombstoneAt': tombstoneAt,
        ':version': replaced.version,
        ...(pending ? pendingKeys(tenantId, documentId, replaced.updatedAt) : {}),
      },
    });
    return restored !== undefined;
  }

  async listStale(before: string, limit: number, after?: StalePosition): Promise<DocumentRecord[]> {
    const shards = Array.from({ length: PENDING_SHARDS }, (_, shard) => `PENDING#${shard}`);
    // The smallest key past `after`'s. A key never equals `before` (it goes on past the
    // instant), so the inclusive BETWEEN reads what `< :before` reads.
    const range =
      after === undefined
        ? { condition: 'gsi2sk < :before', values: {} }
        : {
            condition: 'gsi2sk BETWEEN :after AND :before',
            values: {
              ':after': `${pendingKeys(after.tenantId, after.documentId, after.updatedAt)[':pendingSk']}\u0000`,
            },
          };
    const pages = await Promise.all(
      shards.map((shard) =>
        dynamoCall(() =>
          this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: PENDING_INDEX,
              KeyConditionExpression: `gsi2pk = :shard AND ${range.condition}`,
              ExpressionAttributeValues: { ':shard': shard, ':before': before, ...range.values },
              Limit: limit,
            }),
          ),
        ),
      ),
    );
    return (
      pages
        .flatMap(({ Items = [] }) => Items)
        // In the index's own order (code units, as DynamoDB compares these keys' bytes), not the
        // locale's: the next page's cursor cuts in that order.
        .sort((a, b) => {
          const [left, right] = [String(a.gsi2sk), String(b.gsi2sk)];
          return left < right ? -1 : left > right ? 1 : 0;
        })
        .slice(0, limit)
        .map(toRecord)
    );
  }

  async delete(tenantId: string, documentId: string): Promise<DocumentRecord | undefined> {
    const { Item } = await dynamoCall(() =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: documentKey(tenantId, documentId),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return undefined;
    // The title is freed first, unless it already names another document, while the record
    // (a `deleting` tombstone) still refuses uploads: freed after the record, an upload in
    // between found the title naming the document and published into the empty record slot,
    // reviving it under a title about to be freed (so the next upload made a second document).
    await dynamoCall(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: titleKey(tenantId, String(Item.title)),
          ConditionExpression: 'documentId = :id',
          ExpressionAttributeValues: { ':id': documentId },
        }),
      ),
    ).catch((error: unknown) => {
      if (!failedCondition(error)) throw error;
    });
    const { Attributes } = await dynamoCall(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: documentKey(tenantId, documentId),
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return Attributes ? toRecord(Attributes) : undefined;
  }
}
