import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LiveDocuments } from '../../core/ports/live-documents.js';
import { batchGetItems, keyId } from './batch-get-items.js';
import { documentKey } from './document-key.js';

/**
 * {@link LiveDocuments} on the application table: one strongly consistent `BatchGetItem` of the
 * documents' record items (up to 100 ids a call; an answer asks for the documents of the
 * candidates that decide what it cites, a few, and only when one of them is not live for those
 * of its other candidates, at most 50 in all), so a tombstone written before the question is
 * seen. The keys are under the tenant's prefix: another tenant's document id finds no item.
 */
export class DynamoDbLiveDocuments implements LiveDocuments {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async liveAmong(tenantId: string, documentIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (documentIds.length === 0) return new Set();
    const items = await batchGetItems(
      this.client,
      documentIds.map((documentId) => documentKey(tenantId, documentId)),
      { tableName: this.tableName, consistentRead: true },
    );
    return new Set(
      documentIds.filter((documentId) => {
        const item = items.get(keyId(documentKey(tenantId, documentId)));
        return item !== undefined && item.status !== 'deleting';
      }),
    );
  }
}
