import { percentile } from '../lib/stats.js';

/** One window of closed-loop load. */
export interface LoadWindow {
  concurrency: number;
  seconds: number;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Closed-loop load: `concurrency` clients each send a request as soon as their previous one
 * finished, until `durationMs` has passed; requests in flight at the end are waited for and
 * counted. `send(client)` returns whether the reply was a success.
 *
 * @example
 * const window = await loadWindow(20, 2_000, (client) => post(client));
 */
export const loadWindow = async (
  concurrency: number,
  durationMs: number,
  send: (client: number) => Promise<boolean>,
): Promise<LoadWindow> => {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const ok = await send(client).catch(() => false);
        latencies.push(performance.now() - sent);
        if (!ok) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    concurrency,
    seconds,
    requests: latencies.length,
    errors,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
};
