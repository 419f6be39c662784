import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTableProbe } from '../../../../lambdas/adapters/dynamodb/describe-table-probe.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';

describe('describeTableProbe', () => {
  let db: DynaliteHandle;

  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(() => db.close());

  const probeOf = (tableName: string) =>
    describeTableProbe(tableName, {
      endpoint: db.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });

  it('resolves while the table answers', async () => {
    const probe = probeOf(db.tableName);

    await expect(probe(AbortSignal.timeout(2_000))).resolves.toBeUndefined();
  });

  it('rejects for a table that does not exist', async () => {
    const probe = probeOf('no-such-table');

    await expect(probe(AbortSignal.timeout(2_000))).rejects.toThrow(/not found|ResourceNotFound/i);
  });

  it('rejects while the database is unreachable, and resolves again once it is back', async () => {
    const probe = probeOf(db.tableName);
    await db.stop();

    await expect(probe(AbortSignal.timeout(2_000))).rejects.toThrow();
    await db.start();
    await expect(probe(AbortSignal.timeout(2_000))).resolves.toBeUndefined();
  });
});
