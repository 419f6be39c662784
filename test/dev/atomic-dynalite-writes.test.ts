import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { LISTING_INDEX, PENDING_INDEX } from '../../lambdas/adapters/dynamodb/table-schema.js';
import { PENDING_DOCUMENT, TABLE } from './support/killed-write-scenarios.js';
import { reopenDynalite, runKilledMidWrite } from './support/reopen-killed-dynalite.js';

/** The item and its copies in both indexes, as the next start reads them. */
const readBack = async (dataDir: string) => {
  const db = await reopenDynalite(dataDir);
  try {
    const key = { pk: PENDING_DOCUMENT.pk, sk: PENDING_DOCUMENT.sk };
    const { Item } = await db.documents.send(
      new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
    );
    const query = async (IndexName: string, name: string, value: string) =>
      (
        await db.documents.send(
          new QueryCommand({
            TableName: TABLE,
            IndexName,
            KeyConditionExpression: `${name} = :value`,
            ExpressionAttributeValues: { ':value': value },
          }),
        )
      ).Items ?? [];
    return {
      item: Item,
      listing: await query(LISTING_INDEX, 'gsi1pk', PENDING_DOCUMENT.gsi1pk),
      pending: await query(PENDING_INDEX, 'gsi2pk', PENDING_DOCUMENT.gsi2pk),
    };
  } finally {
    await db.close();
  }
};

describe('makeDynaliteWritesAtomic', () => {
  let dataDir = '';
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps an item and its index copies together when the process is killed mid-update', {
    timeout: 30_000,
  }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'atomic-writes-'));

    const run = await runKilledMidWrite(dataDir, 'item', 1, 'atomic');
    const { item, listing, pending } = await readBack(dataDir);

    expect(run.killed).toBe(true);
    expect(item?.status).toBe('indexing');
    expect(listing).toEqual([item]);
    expect(pending).toEqual([item]);
  });

  it('is needed: plain dynalite killed after its first write keeps the old item beside changed indexes', {
    timeout: 30_000,
  }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plain-writes-'));

    const run = await runKilledMidWrite(dataDir, 'item', 1, 'plain');
    const { item, pending } = await readBack(dataDir);

    expect(run.killed).toBe(true);
    expect(item?.status).toBe('queued');
    expect(pending).not.toEqual([item]);
  });
});
