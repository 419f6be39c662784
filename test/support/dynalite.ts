import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { makeDynaliteWritesAtomic } from '../../dev/atomic-dynalite-writes.js';
import { closeDynaliteIteratorsWhenDone } from '../../dev/dynalite-iterators.js';
import { startTransactWriteEmulator } from '../../dev/transact-write-emulator.js';
import { createAppTable } from '../../lambdas/adapters/dynamodb/create-app-table.js';
import { startTcpProxy } from './tcp-proxy.js';

/** A running dynalite server with the application table created. */
export interface DynaliteHandle {
  endpoint: string;
  tableName: string;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  /** A document client of its own on the same endpoint, for a test to add middleware to. */
  newDocumentClient(): DynamoDBDocumentClient;
  /** Takes the database off the network (connection refused), keeping its data. */
  stop(): Promise<void>;
  /** Brings it back on the same endpoint. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startDynalite}. */
export interface DynaliteOptions {
  /**
   * Whether the transaction emulator hands its calls to dynalite's listener in the same thread,
   * as the local stack's database thread does (default), or sends them over HTTP.
   */
  sameThread?: boolean;
}

/**
 * Starts dynalite (a real DynamoDB wire protocol, in memory) on a random port, with
 * `TransactWriteItems` emulated in front of it and item writes atomic with their index copies
 * (as the local stack runs it), behind a cuttable relay, and creates the application table from the same schema the CDK stack
 * declares, so the tested table and the deployed one cannot drift.
 *
 * @example
 * const db = await startDynalite();
 * afterAll(() => db.close());
 */
export const startDynalite = async (
  tableName = 'app-test',
  options: DynaliteOptions = {},
): Promise<DynaliteHandle> => {
  closeDynaliteIteratorsWhenDone();
  makeDynaliteWritesAtomic();
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const [listener] = server.listeners('request') as RequestListener[];
  const transactions = await startTransactWriteEmulator(
    (server.address() as AddressInfo).port,
    options.sameThread === false || !listener ? {} : { passThrough: listener },
  );
  const proxy = await startTcpProxy(transactions.port);
  const endpoint = `http://127.0.0.1:${proxy.port}`;
  const newClient = () =>
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  const client = newClient();
  await createAppTable(client, tableName);
  return {
    endpoint,
    tableName,
    client,
    documentClient: DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    newDocumentClient: () => DynamoDBDocumentClient.from(newClient()),
    stop: proxy.cut,
    start: proxy.restore,
    close: async () => {
      client.destroy();
      await proxy.close();
      await transactions.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
