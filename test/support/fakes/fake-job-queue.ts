import type { IndexJob, JobQueue } from '../../../lambdas/core/ports/job-queue.js';

/** A {@link JobQueue} that records what it is sent and can be told to fail. */
export class FakeJobQueue implements JobQueue {
  readonly jobs: IndexJob[] = [];
  /** Errors thrown, in order, by the next `enqueue` calls. */
  readonly failures: Error[] = [];

  async enqueue(job: IndexJob): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.jobs.push({ ...job });
  }
}
