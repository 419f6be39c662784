import { join } from 'node:path';

/** The local stack's table name. */
export const LOCAL_TABLE_NAME = 'rag-api-local';

/**
 * File in which the running local stack publishes its DynamoDB endpoint, so that tools (the
 * `keys` command) can use its database while it holds the data folder's lock.
 */
export const localEndpointFile = (dataDir: string): string => join(dataDir, 'dynamodb-endpoint');
