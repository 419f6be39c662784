/**
 * Entry point of the local database's worker thread (see {@link startDatabaseThread}): dynalite
 * on the data folder with `TransactWriteItems` emulated in front of it, both crash-atomic (each
 * item written with its index copies in one batch, transactions journaled), answering on a
 * loopback port; it posts `{ endpoint }` once listening and closes both servers when told `close`.
 */
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { makeDynaliteWritesAtomic } from './atomic-dynalite-writes.js';
import type { DatabaseThreadData, DatabaseThreadMessage } from './database-thread.js';
import { closeDynaliteIteratorsWhenDone } from './dynalite-iterators.js';
import { startTransactWriteEmulator } from './transact-write-emulator.js';

const { dataDir } = workerData as DatabaseThreadData;
closeDynaliteIteratorsWhenDone();
makeDynaliteWritesAtomic();
const db = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
await new Promise<void>((resolve, reject) => {
  db.once('error', reject);
  db.listen(0, '127.0.0.1', () => resolve());
});
const [dynaliteListener] = db.listeners('request') as RequestListener[];
const transactions = await startTransactWriteEmulator((db.address() as AddressInfo).port, {
  journalFile: join(dataDir, 'dynamodb-transaction.journal'),
  ...(dynaliteListener ? { passThrough: dynaliteListener } : {}),
});

parentPort!.on('message', async (message: DatabaseThreadMessage) => {
  if (message.type !== 'close') return;
  await transactions.close();
  await new Promise<void>((done) => db.close(() => done()));
  parentPort!.postMessage({ type: 'closed' } satisfies DatabaseThreadMessage);
});
parentPort!.postMessage({
  type: 'ready',
  endpoint: transactions.endpoint,
} satisfies DatabaseThreadMessage);
