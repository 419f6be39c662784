import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDocumentStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import type { DocumentRecord } from '../../../../lambdas/core/ports/document-store.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

const shardOf = (documentId: string) => Number.parseInt(documentId[0] ?? '0', 16) % 4;

describe('DynamoDbDocumentStore.listStale paged with a cursor', () => {
  it('returns every stale record over the pages when two tenants ("acme", "acme-eu") changed in the same millisecond', async () => {
    // Arrange: two pending documents of two tenants, same updatedAt, in different pending shards.
    const store = new DynamoDbDocumentStore(db.documentClient, db.tableName);
    const suffix = Math.random().toString(36).slice(2, 6);
    const tenants = [`acme${suffix}`, `acme${suffix}-eu`];
    const at = '2017-03-03T00:00:00.000Z';
    const created: DocumentRecord[] = [];
    const shardsUsed = new Set<number>();
    for (const tenantId of tenants) {
      for (let n = 0; ; n += 1) {
        const { documentId, version } = await store.reserveVersion(tenantId, `Doc ${n}`);
        if (shardsUsed.has(shardOf(documentId))) continue;
        shardsUsed.add(shardOf(documentId));
        await store.publishVersion(
          {
            tenantId,
            documentId,
            title: `Doc ${n}`,
            version,
            contentType: 'text/markdown',
            sizeBytes: 10,
            blobKey: `tenants/${tenantId}/documents/${documentId}/v${version}`,
          },
          at,
        );
        created.push((await store.get(tenantId, documentId))!);
        break;
      }
    }
    expect(created.map((record) => record.status)).toEqual(['queued', 'queued']);

    // Act: the reconciler's paging, one record a page.
    const seen: string[] = [];
    let after: DocumentRecord | undefined;
    for (let page = 0; page < 4; page += 1) {
      const stale = await store.listStale('2017-03-04T00:00:00.000Z', 1, after);
      seen.push(...stale.map((record) => `${record.tenantId}/${record.documentId}`));
      if (stale.length < 1) break;
      after = stale.at(-1);
    }

    // Assert: both come back, each once.
    expect(seen.sort()).toEqual(
      created.map((record) => `${record.tenantId}/${record.documentId}`).sort(),
    );
  });
});
