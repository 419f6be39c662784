import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '../../core/dependency-error.js';
import { dynamoCall } from './dynamodb-errors.js';

/** A table key of the application table. */
export interface TableKey {
  pk: string;
  sk: string;
}

/** Options of {@link batchGetItems}. */
export interface BatchGetOptions {
  tableName: string;
  /** Strongly consistent reads (default false). */
  consistentRead?: boolean;
  /** Calls made for one chunk's unprocessed keys before giving up (default 8). */
  maxAttempts?: number;
  /** First backoff before retrying unprocessed keys, doubled each time, with jitter (default 25 ms). */
  baseDelayMs?: number;
}

/** Keys per `BatchGetItem` call: DynamoDB's limit. */
export const BATCH_GET_MAX_KEYS = 100;

const idOf = (key: TableKey) => `${key.pk}\u0000${key.sk}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads the items of `keys` with `BatchGetItem`, at most 100 keys a call (the chunks sent at
 * once), retrying the keys DynamoDB leaves unprocessed (throttling, the 16 MB response cap)
 * with exponential backoff and jitter. Resolves to the items found, by `pk` and `sk`.
 *
 * Hand-written: the SDK retries failed calls but not a call's `UnprocessedKeys`, and
 * lib-dynamodb has no batch helper that does.
 *
 * @throws Error when keys are still unprocessed after `maxAttempts` calls
 * @example
 * const items = await batchGetItems(client, keys, { tableName, consistentRead: true });
 * items.get(keyId({ pk, sk }));
 */
export const batchGetItems = async (
  client: DynamoDBDocumentClient,
  keys: readonly TableKey[],
  options: BatchGetOptions,
): Promise<Map<string, Record<string, unknown>>> => {
  const unique = [...new Map(keys.map((key) => [idOf(key), key])).values()];
  const chunks: TableKey[][] = [];
  for (let start = 0; start < unique.length; start += BATCH_GET_MAX_KEYS) {
    chunks.push(unique.slice(start, start + BATCH_GET_MAX_KEYS));
  }
  const items = new Map<string, Record<string, unknown>>();
  await Promise.all(chunks.map((chunk) => readChunk(client, chunk, options, items)));
  return items;
};

/** The id {@link batchGetItems} keys its result by. */
export const keyId = (key: TableKey): string => idOf(key);

const readChunk = async (
  client: DynamoDBDocumentClient,
  chunk: TableKey[],
  options: BatchGetOptions,
  items: Map<string, Record<string, unknown>>,
): Promise<void> => {
  const { tableName } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 25;
  let pending: Record<string, unknown>[] = chunk.map((key) => ({ pk: key.pk, sk: key.sk }));
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > maxAttempts) {
      // Throttled for good: the table is unavailable for now (503 with Retry-After), not broken.
      throw new DependencyError(
        'dynamodb',
        'unavailable',
        `${pending.length} keys still unprocessed after ${maxAttempts} BatchGetItem calls`,
      );
    }
    if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
    const keys = pending;
    const result = await dynamoCall(() =>
      client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: { Keys: keys, ConsistentRead: options.consistentRead ?? false },
          },
        }),
      ),
    );
    for (const item of result.Responses?.[tableName] ?? []) {
      items.set(idOf({ pk: String(item.pk), sk: String(item.sk) }), item);
    }
    pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
};
