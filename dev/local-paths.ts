import { join } from 'node:path';

/** The local data folder when `DATA_DIR` is not set. */
export const DEFAULT_DATA_DIR = '.data';

/**
 * The local data folder `DATA_DIR` names, read the same way by `npm run dev` and the scripts:
 * unset or empty (`DATA_DIR=` in `.env`) is {@link DEFAULT_DATA_DIR}, not the current folder,
 * which would have filled the project's root with the table, the uploads and the lock.
 *
 * @example
 * dataDirOf(process.env) // '.data'
 */
export const dataDirOf = (env: NodeJS.ProcessEnv): string => env.DATA_DIR || DEFAULT_DATA_DIR;

/** The local stack's table name. */
export const LOCAL_TABLE_NAME = 'rag-api-local';

/**
 * File in which the running local stack publishes its DynamoDB endpoint, so that tools (the
 * `keys` command) can use its database while it holds the data folder's lock.
 */
export const localEndpointFile = (dataDir: string): string => join(dataDir, 'dynamodb-endpoint');
