import { cleanEnv, parseChildResult, runNode } from '../lib/child-process.js';
import { TSX_LOADER } from '../lib/paths.js';
import type { Figure } from '../lib/report.js';
import { median } from '../lib/stats.js';

/** Options of {@link runOverhead}. */
export interface OverheadOptions {
  /** Calls per round and handler. */
  calls: number;
  /** Rounds, alternating the two handlers. */
  rounds: number;
}

/** Raw measurements of section 2: µs per call of each round. */
export interface OverheadDetails {
  fullUs: number[];
  /** The same stack with the logger at WARN: no access log line. */
  quietUs: number[];
  bareUs: number[];
  calls: number;
  /** Response headers the full stack sets (the bare handler returns the same ones). */
  headers: string[];
}

const isDetails = (value: unknown): value is OverheadDetails => {
  const record = value as Partial<OverheadDetails> | null;
  return (
    Array.isArray(record?.fullUs) && Array.isArray(record?.quietUs) && Array.isArray(record?.bareUs)
  );
};

const SECTION = '2 overhead';
const TARGET_US = 5;

/**
 * Section 2, per-invocation overhead: runs `probe.ts` in a fresh process (Node 24, tsx) so the
 * timing shares nothing with the rest of the benchmark, and reports the medians over rounds
 * of µs per call for the health route through the full stack and for a bare async handler.
 */
export const runOverhead = async (
  options: OverheadOptions,
): Promise<{ figures: Figure[]; details: OverheadDetails }> => {
  const { stdout } = await runNode(['--import', TSX_LOADER, 'bench/overhead/probe.ts'], {
    env: cleanEnv({
      BENCH_CALLS: String(options.calls),
      BENCH_ROUNDS: String(options.rounds),
      BENCH_WARMUP: String(Math.min(options.calls, 20_000)),
      AWS_REGION: 'eu-west-1',
    }),
    timeoutMs: 300_000,
  });
  const details = parseChildResult(stdout);
  if (!isDetails(details)) throw new Error(`unexpected overhead probe output: ${stdout}`);
  const full = median(details.fullUs);
  const quiet = median(details.quietUs);
  const bare = median(details.bareUs);
  return {
    figures: [
      {
        section: SECTION,
        metric: `health, full middleware stack (µs/call, ${details.calls} calls × ${details.fullUs.length})`,
        unit: 'µs',
        ours: full,
        baseline: bare,
      },
      {
        section: SECTION,
        metric: 'overhead = full − bare (µs/call)',
        unit: 'µs',
        ours: full - bare,
        target: `≤ ${TARGET_US} µs`,
        met: full - bare <= TARGET_US,
      },
      {
        section: SECTION,
        metric: '… of which the access log line (full − the same stack at WARN)',
        unit: 'µs',
        ours: full - quiet,
      },
      {
        section: SECTION,
        metric: '… of which the middlewares without it (stack at WARN − bare)',
        unit: 'µs',
        ours: quiet - bare,
      },
    ],
    details,
  };
};
