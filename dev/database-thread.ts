import { Worker } from 'node:worker_threads';

/** What the database thread is started with. */
export interface DatabaseThreadData {
  /** The local data folder; the table lives in its `dynamodb` folder. */
  dataDir: string;
}

/** Messages between the main thread and the database thread. */
export type DatabaseThreadMessage =
  | { type: 'ready'; endpoint: string }
  | { type: 'close' }
  | { type: 'closed' };

/** The local database running in its worker thread. */
export interface DatabaseThread {
  /** The DynamoDB endpoint (the transaction emulator in front of dynalite). */
  endpoint: string;
  /** Closes dynalite (its LevelDB files) and ends the thread. */
  close(): Promise<void>;
}

const ENTRY = new URL('./database-thread-main.ts', import.meta.url);

/**
 * Runs the local stack's database (dynalite on `dataDir`, with the transaction emulator in
 * front of it) in a worker thread of its own, as DynamoDB is a service of its own: its request
 * parsing, expression evaluation and LevelDB calls, several per upload and per indexed
 * document, then never hold the thread that serves the API (with it on that thread, an ingest
 * of a whole folder kept `GET /health` waiting, and every client waited for every other's
 * database calls).
 *
 * @example
 * const database = await startDatabaseThread({ dataDir: '.data' });
 * new DynamoDBClient({ endpoint: database.endpoint });
 */
export const startDatabaseThread = async (data: DatabaseThreadData): Promise<DatabaseThread> => {
  const worker = new Worker(ENTRY, { workerData: data, execArgv: ['--import', 'tsx'] });
  const exited = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the database thread exited (${code})`)));
  });
  exited.catch(() => undefined);
  const next = (type: DatabaseThreadMessage['type']) =>
    Promise.race([
      new Promise<DatabaseThreadMessage>((resolve) => {
        const listener = (message: DatabaseThreadMessage) => {
          if (message.type !== type) return;
          worker.off('message', listener);
          resolve(message);
        };
        worker.on('message', listener);
      }),
      exited,
    ]);
  const ready = await next('ready').catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  return {
    endpoint: (ready as Extract<DatabaseThreadMessage, { type: 'ready' }>).endpoint,
    close: async () => {
      const closed = next('closed');
      worker.postMessage({ type: 'close' } satisfies DatabaseThreadMessage);
      await closed.catch(() => undefined);
      await worker.terminate();
    },
  };
};
