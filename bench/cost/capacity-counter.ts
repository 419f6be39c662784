import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APP_TABLE_SCHEMA } from '../../lambdas/adapters/dynamodb/table-schema.js';

/** DynamoDB capacity counted on one client. */
export interface CapacityCount {
  readUnits: number;
  writeUnits: number;
  /** Calls per command name. */
  calls: Record<string, number>;
}

/** Commands (by the low-level name the middleware sees) that accept `ReturnConsumedCapacity`. */
const DATA_COMMANDS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'TransactGetItemsCommand',
]);

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

const INDEX_KEYS = APP_TABLE_SCHEMA.globalSecondaryIndexes.map((index) => index.partitionKey);

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * DynamoDB's size of an attribute value as the document client holds it (before marshalling):
 * strings by UTF-8 length, numbers about one byte per two digits, containers 3 bytes plus
 * their members. Close to DynamoDB's published rules, which is enough to count units.
 */
const valueBytes = (value: unknown): number => {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint')
    return Math.ceil(String(value).length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum, item) => sum + valueBytes(item), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum, item) => sum + 1 + valueBytes(item), 0);
  if (typeof value === 'object') return 3 + itemBytes(value as Record<string, unknown>);
  return utf8(String(value));
};

/**
 * The size DynamoDB bills for an item: attribute names plus values.
 *
 * @example
 * itemBytes({ pk: 'a', n: 1 }); // 1 + 1 + 1 + 2
 */
export const itemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);

/** Write units of one written item: 1 per KB, plus one per secondary index it is written to. */
const writeUnitsOf = (item: Record<string, unknown>): number =>
  Math.max(1, Math.ceil(itemBytes(item) / 1024)) +
  INDEX_KEYS.filter((key) => item[key] !== undefined).length;

/** Index writes an update expression makes (it sets an index key), one unit each. */
const indexWritesOf = (input: Record<string, unknown>): number => {
  const expression = String(input.UpdateExpression ?? '');
  const names = Object.values((input.ExpressionAttributeNames ?? {}) as Record<string, string>);
  return INDEX_KEYS.filter((key) => expression.includes(key) || names.includes(key)).length;
};

/**
 * Units of a transaction, which local DynamoDB (dynalite with the transaction emulator) does
 * not report: every item written counts twice (DynamoDB's two-phase price), an item's size
 * from the request (a `Put`'s item; for `Update`, `Delete` and `ConditionCheck` the size is
 * unknown here, so one unit each, plus its index writes).
 */
const transactionUnits = (input: Record<string, unknown>): number => {
  const items = (input.TransactItems ?? []) as Record<string, Record<string, unknown>>[];
  return items.reduce((sum, entry) => {
    if (entry.Put) return sum + 2 * writeUnitsOf(entry.Put.Item as Record<string, unknown>);
    if (entry.Update) return sum + 2 * (1 + indexWritesOf(entry.Update));
    return sum + 2;
  }, 0);
};

/**
 * The least a call is billed, even when it reads nothing: a write unit, or a read unit
 * (half of one eventually consistent). dynalite reports 0 for a query that finds nothing.
 */
const minimumUnits = (input: Record<string, unknown>, write: boolean): number =>
  write ? 1 : input.ConsistentRead === true ? 1 : 0.5;

/** What DynamoDB's `ConsumedCapacity` of a reply adds up to (one object or a list of them). */
const reportedUnits = (consumed: unknown): number | undefined => {
  if (consumed === undefined) return undefined;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce(
    (sum: number, item) => sum + Number((item as { CapacityUnits?: number }).CapacityUnits ?? 0),
    0,
  );
};

/**
 * Counts the read and write units `client` consumes: a middleware asks every data command for
 * its `ConsumedCapacity` (`TOTAL`) and adds what the reply reports; for what local DynamoDB
 * does not report (transactions; writes to secondary indexes, which DynamoDB bills and dynalite
 * leaves out) it computes units from item sizes, as DynamoDB prices them.
 *
 * @example
 * const count = countCapacity(shared.dynamo);
 * // … requests …
 * count.writeUnits;
 */
export const countCapacity = (client: Pick<DynamoDBDocumentClient, 'middlewareStack'>) => {
  const count: CapacityCount = { readUnits: 0, writeUnits: 0, calls: {} };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      if (!DATA_COMMANDS.has(command)) return next(args);
      count.calls[command] = (count.calls[command] ?? 0) + 1;
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: unknown };
      const write = WRITES.has(command);
      const units =
        command === 'TransactWriteItemsCommand'
          ? transactionUnits(input)
          : Math.max(reportedUnits(output.ConsumedCapacity) ?? 0, minimumUnits(input, write)) +
            (command === 'PutItemCommand'
              ? INDEX_KEYS.filter((key) => (input.Item as Record<string, unknown>)?.[key]).length
              : command === 'UpdateItemCommand'
                ? indexWritesOf(input)
                : 0);
      if (write) count.writeUnits += units;
      else count.readUnits += units;
      return result;
    },
    { step: 'initialize', name: 'countConsumedCapacity', override: true },
  );
  return count;
};
