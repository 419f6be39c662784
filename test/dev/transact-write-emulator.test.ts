import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { TABLE, TRANSACTION_ITEMS } from './support/killed-write-scenarios.js';
import { reopenDynalite, runKilledMidWrite } from './support/reopen-killed-dynalite.js';

/** The counter of each transaction item, and whether a journal is left, after a restart. */
const readBack = async (dataDir: string) => {
  const db = await reopenDynalite(dataDir);
  try {
    const counters: unknown[] = [];
    for (const key of TRANSACTION_ITEMS) {
      const { Item } = await db.documents.send(
        new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
      );
      counters.push(Item?.n);
    }
    return {
      counters,
      journalLeft: readdirSync(dirname(db.journalFile)).some((name) =>
        name.startsWith(basename(db.journalFile)),
      ),
    };
  } finally {
    await db.close();
  }
};

describe('startTransactWriteEmulator with a journal', () => {
  let dataDir = '';
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('rolls back a transaction killed after its first item was written', {
    timeout: 30_000,
  }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'transaction-killed-'));

    const run = await runKilledMidWrite(dataDir, 'transaction', 1, 'atomic');
    const after = await readBack(dataDir);

    expect(run.killed).toBe(true);
    expect(after).toEqual({ counters: [0, 0], journalLeft: false });
  });

  it('rolls back a transaction killed after its last write, before it answered', {
    timeout: 30_000,
  }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'transaction-killed-'));

    const run = await runKilledMidWrite(dataDir, 'transaction', 2, 'atomic');
    const after = await readBack(dataDir);

    expect(run.killed).toBe(true);
    expect(after).toEqual({ counters: [0, 0], journalLeft: false });
  });

  it('keeps a transaction that answered, and leaves no journal behind', {
    timeout: 30_000,
  }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'transaction-done-'));

    const run = await runKilledMidWrite(dataDir, 'transaction', 99, 'atomic');
    const after = await readBack(dataDir);

    expect(run.killed).toBe(false);
    expect(after).toEqual({ counters: [1, 1], journalLeft: false });
  });
});
