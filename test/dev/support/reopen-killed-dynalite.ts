import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { makeDynaliteWritesAtomic } from '../../../dev/atomic-dynalite-writes.js';
import { startTransactWriteEmulator } from '../../../dev/transact-write-emulator.js';

const SCRIPT = fileURLToPath(new URL('./dynalite-killed-mid-write.ts', import.meta.url));

/** How a run of `dynalite-killed-mid-write.ts` ended. */
export interface KilledRun {
  killed: boolean;
  output: string;
}

/**
 * Runs `dynalite-killed-mid-write.ts` over `dataDir` and waits for it to die (or finish).
 *
 * @example
 * const run = await runKilledMidWrite(dir, 'transaction', 1, 'atomic');
 */
export const runKilledMidWrite = (
  dataDir: string,
  scenario: 'item' | 'transaction',
  killAfter: number,
  mode: 'atomic' | 'plain',
): Promise<KilledRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SCRIPT, dataDir, scenario, String(killAfter), mode],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', output });
      else reject(new Error(`the crashing process failed (${code ?? signal}): ${output}`));
    });
  });

/**
 * Starts dynalite and the transaction emulator again over a killed process's data, as the
 * next `npm run dev` does (the emulator rolls back a journal left behind).
 *
 * @example
 * const db = await reopenDynalite(dir);
 * await db.documents.send(new GetCommand({ … }));
 * await db.close();
 */
export const reopenDynalite = async (dataDir: string) => {
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  makeDynaliteWritesAtomic();
  const server = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const emulator = await startTransactWriteEmulator((server.address() as AddressInfo).port, {
    journalFile: join(dataDir, 'transaction.journal'),
  });
  const client = new DynamoDBClient({ endpoint: emulator.endpoint });
  return {
    documents: DynamoDBDocumentClient.from(client),
    journalFile: join(dataDir, 'transaction.journal'),
    close: async () => {
      client.destroy();
      await emulator.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
