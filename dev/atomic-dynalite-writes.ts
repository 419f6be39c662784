import { createRequire } from 'node:module';

type Callback = (error?: unknown) => void;
type Item = Record<string, unknown>;

interface LevelOperation {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
}

interface TableDescription {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}

/** dynalite's view of one table's items: a key-prefixed wrapper around the one LevelDB. */
interface ItemDb {
  put(key: string, value: unknown, callback: Callback): void;
  del(key: string, callback: Callback): void;
  [PENDING]?: Map<string, LevelOperation[]>;
}

interface DynaliteStore {
  db: { batch(operations: LevelOperation[], callback: Callback): void };
  getItemDb(tableName: string): ItemDb;
}

/** The parts of dynalite's `db` module (`dynalite/db/index.js`, v4) this replaces or reuses. */
interface DynaliteDbModule {
  updateIndexes(
    store: DynaliteStore,
    table: TableDescription,
    existingItem: Item | undefined,
    item: Item | null | undefined,
    callback: Callback,
  ): void;
  getIndexActions(
    indexes: unknown[],
    existingItem: Item | undefined,
    item: Item | null | undefined,
    table: TableDescription,
  ): {
    puts: { index: string; key: string; item: Item }[];
    deletes: { index: string; key: string }[];
  };
  createKey(item: Item, table: TableDescription): string;
  [PATCHED]?: true;
}

const PENDING = Symbol('pending index writes');
const PATCHED = Symbol('atomic item writes');

// The key prefixes dynalite's `getItemDb` / `getIndexDb` give their wrappers (db/index.js).
const itemPrefix = (tableName: string) => `item-${tableName}~`;
const indexPrefix = (type: 'Local' | 'Global', tableName: string, indexName: string) =>
  `index-${type.toLowerCase()}~${tableName}~${indexName}~`;

/** The LevelDB operations that bring a table's secondary indexes from `existing` to `item`. */
const indexOperations = (
  db: DynaliteDbModule,
  table: TableDescription,
  existing: Item | undefined,
  item: Item | null | undefined,
): LevelOperation[] => {
  const deletes: LevelOperation[] = [];
  const puts: LevelOperation[] = [];
  for (const type of ['Local', 'Global'] as const) {
    const indexes = table[`${type}SecondaryIndexes`] ?? [];
    const actions = db.getIndexActions(indexes, existing, item, table);
    for (const action of actions.deletes) {
      deletes.push({
        type: 'del',
        key: indexPrefix(type, table.TableName, action.index) + action.key,
      });
    }
    for (const action of actions.puts) {
      puts.push({
        type: 'put',
        key: indexPrefix(type, table.TableName, action.index) + action.key,
        value: action.item,
      });
    }
  }
  return [...deletes, ...puts];
};

/** Makes the table's item wrapper write an item together with the index writes held for it. */
const withHeldIndexWrites = (
  store: DynaliteStore,
  tableName: string,
): Map<string, LevelOperation[]> => {
  const itemDb = store.getItemDb(tableName);
  const existing = itemDb[PENDING];
  if (existing) return existing;
  const pending = new Map<string, LevelOperation[]>();
  const { put, del } = itemDb;
  const write = (key: string, operation: LevelOperation, plain: () => void, callback: Callback) => {
    const held = pending.get(key);
    if (!held) return plain();
    pending.delete(key);
    store.db.batch([...held, operation], callback);
  };
  itemDb.put = (key, value, callback) =>
    write(
      key,
      { type: 'put', key: itemPrefix(tableName) + key, value },
      () => put.call(itemDb, key, value, callback),
      callback,
    );
  itemDb.del = (key, callback) =>
    write(
      key,
      { type: 'del', key: itemPrefix(tableName) + key },
      () => del.call(itemDb, key, callback),
      callback,
    );
  itemDb[PENDING] = pending;
  return pending;
};

/**
 * Makes every dynalite item write crash-atomic with its secondary index entries. dynalite
 * (v4) keeps a full copy of an item in each index it belongs to and, for a put, update or
 * delete, writes those copies first and the item last, each as its own LevelDB write: a
 * process killed in between kept the new copies beside the old item. After a SIGKILL of the
 * local stack during an ingest, the listing index showed a document twice (an orphan copy,
 * `queued`, beside the real record, `ready`) and the pending index held copies the reconciler
 * could never settle (its conditional writes compare with the item, which had not moved).
 *
 * Here dynalite's `updateIndexes` only computes the index operations and holds them for the
 * item's key; the item write that follows (under dynalite's per-item lock) sends them and the
 * item in one LevelDB batch, which LevelDB applies whole or not at all. Written by hand: no
 * dynalite release writes an item and its indexes together, and dynalite is the only
 * maintained DynamoDB for Node that runs in-process. Idempotent; call it before `dynalite()`
 * serves requests.
 *
 * @example
 * makeDynaliteWritesAtomic();
 * const db = dynalite({ path: '.data/dynamodb' });
 */
export const makeDynaliteWritesAtomic = (): void => {
  const db = createRequire(import.meta.url)('dynalite/db/index.js') as DynaliteDbModule;
  if (db[PATCHED]) return;
  db.updateIndexes = (store, table, existingItem, item, callback) => {
    const image = item ?? existingItem;
    if (image) {
      withHeldIndexWrites(store, table.TableName).set(
        db.createKey(image, table),
        indexOperations(db, table, existingItem, item),
      );
    }
    setImmediate(callback);
  };
  db[PATCHED] = true;
};
