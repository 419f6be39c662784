import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { composeReconciler, type ReconcilerDeps } from '../composition/reconciler.js';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import type { ReconcileReport } from '../core/ingestion/reconcile-documents.js';
import { deferredHandler } from '../http/deferred-handler.js';

/**
 * Builds the reconciler: a function run by an EventBridge schedule that finishes ingestion
 * work left behind (see `ReconcileDocuments`) and logs what it did. A run that fails is
 * simply the next run's work: the schedule is the retry.
 *
 * @example
 * const handler = createHandler({ logger, reconcile });
 * await handler(scheduledEvent, context); // { requeued: 1, failed: 0, deleted: 0, skipped: 0, errors: 0 }
 */
export const createHandler = (deps: ReconcilerDeps) =>
  middy<ScheduledEvent, ReconcileReport, Error, Context>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler(async () => {
      const report = await deps.reconcile.execute();
      const acted = report.requeued + report.failed + report.deleted + report.errors > 0;
      if (acted) deps.logger.warn('reconciled stale documents', { report });
      else deps.logger.info('nothing to reconcile', { report });
      return report;
    });

/** The Lambda entry point. */
export const handler = await deferredHandler(async () =>
  createHandler(await composeReconciler(loadRuntimeConfig(process.env))),
);
