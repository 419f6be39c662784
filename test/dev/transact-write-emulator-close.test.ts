import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCENARIO = fileURLToPath(new URL('./support/close-during-transaction.ts', import.meta.url));

describe('startTransactWriteEmulator closing', () => {
  it('waits for a transaction being applied, so the database never closes under it', async () => {
    // Act: the database closes 50 ms into a transaction of 100 actions (in a process of its
    // own: the emulator's next read of a closed database threw out of dynalite's callback).
    const outcome = await run(process.execPath, ['--import', 'tsx', SCENARIO], {
      encoding: 'utf8',
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    // Assert
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('survived');
  }, 60_000);
});
