/** A probe of one dependency: resolves when it answers, rejects when it does not. */
export type DependencyProbe = (signal: AbortSignal) => Promise<void>;

/** The outcome of one probe. */
export interface ProbeResult {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

/** The health report. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, ProbeResult>;
}

/**
 * Runs every dependency probe concurrently, each bounded by `timeoutMs`, and reports which
 * are up. With no probes (a shallow check) the report is simply `ok`.
 *
 * @example
 * await checkHealth({ dynamodb: (signal) => table.describe(signal) }, 2_000)
 * // { status: 'ok', checks: { dynamodb: { status: 'up', latencyMs: 12 } } }
 */
export const checkHealth = async (
  probes: Record<string, DependencyProbe>,
  timeoutMs: number,
): Promise<HealthReport> => {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, ProbeResult]> => {
      const started = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await Promise.race([
          probe(signal),
          new Promise<never>((_, reject) => {
            signal.addEventListener('abort', () =>
              reject(new Error(`no answer in ${timeoutMs} ms`)),
            );
          }),
        ]);
        return [name, { status: 'up', latencyMs: Math.round(performance.now() - started) }];
      } catch (error) {
        return [
          name,
          {
            status: 'down',
            latencyMs: Math.round(performance.now() - started),
            error: error instanceof Error ? error.message : String(error),
          },
        ];
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  const degraded = entries.some(([, result]) => result.status === 'down');
  return { status: degraded ? 'degraded' : 'ok', checks };
};
