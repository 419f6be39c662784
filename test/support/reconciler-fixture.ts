import { ReconcileDocuments } from '../../lambdas/core/ingestion/reconcile-documents.js';
import type { ingestionFixture } from './ingestion-fixture.js';

/** The reconciler's patience in these specs: a version unchanged 15 minutes is stale. */
export const STALE_AFTER_MS = 15 * 60_000;

/**
 * The reconciler over an {@link ingestionFixture}'s stores, as the deployed one runs (stale
 * after {@link STALE_AFTER_MS}, five deliveries before a job counts as failed); `bulkPatienceMs`
 * when a spec needs a shorter wait for a re-index's versions than the queue's retention.
 *
 * @example
 * const reconcile = reconcilerOver(ingestionFixture());
 */
export const reconcilerOver = (
  world: ReturnType<typeof ingestionFixture>,
  options: { bulkPatienceMs?: number } = {},
) =>
  new ReconcileDocuments({
    documents: world.documents,
    queue: world.queue,
    deleteDocument: world.deleteDocument,
    acceptUpload: world.acceptUpload,
    clock: world.clock,
    staleAfterMs: STALE_AFTER_MS,
    maxReceiveCount: 5,
    ...options,
  });
