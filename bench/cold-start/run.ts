import { join } from 'node:path';
import { BUNDLE_BUDGETS } from '../../lib/bundling.js';
import type { Figure } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { type BuiltBundle, bundleFunction, FUNCTIONS, transpileProject } from './build.js';
import { type ImportSample, importInFreshProcess } from './measure.js';

/** Options of {@link runColdStart}. */
export interface ColdStartOptions {
  workDir: string;
  /** Fresh processes per function and variant. */
  processes: number;
  log: (line: string) => void;
}

/** How a handler is loaded in one fresh process. */
type Variant = 'bundle' | 'bundle-source-maps' | 'unbundled';

const VARIANTS: readonly Variant[] = ['unbundled', 'bundle', 'bundle-source-maps'];

/** Raw measurements of the cold start section. */
export interface ColdStartDetails {
  bundles: Omit<BuiltBundle, 'file'>[];
  samples: Record<string, Record<Variant, ImportSample[]>>;
}

const SECTION = '1 cold start';
const KB = 1024;
const IMPORT_TARGET = 0.4;

/**
 * Section 1, the cold start proxy: bundles each function as the CDK stack does, transpiles the
 * project file by file as the unbundled baseline, then imports each (bundle; bundle with
 * `--enable-source-maps`, as deployed; unbundled) in `processes` fresh Node 24 processes,
 * interleaved so that machine noise spreads evenly, and reports medians.
 */
export const runColdStart = async (
  options: ColdStartOptions,
): Promise<{ figures: Figure[]; details: ColdStartDetails }> => {
  const bundles: BuiltBundle[] = [];
  for (const spec of FUNCTIONS)
    bundles.push(await bundleFunction(spec, join(options.workDir, 'bundles')));
  const unbundled = await transpileProject(join(options.workDir, 'unbundled'));
  options.log(`bundled ${bundles.length} functions; transpiled the project for the baseline`);

  const samples: ColdStartDetails['samples'] = {};
  for (const bundle of bundles) {
    samples[bundle.name] = { bundle: [], 'bundle-source-maps': [], unbundled: [] };
  }
  for (let run = 0; run < options.processes; run += 1) {
    for (const bundle of bundles) {
      for (const variant of VARIANTS) {
        const file = variant === 'unbundled' ? unbundled.get(bundle.name)! : bundle.file;
        const flags = variant === 'bundle-source-maps' ? ['--enable-source-maps'] : [];
        samples[bundle.name]![variant].push(await importInFreshProcess(file, flags));
      }
    }
    if ((run + 1) % 5 === 0) options.log(`cold start: ${run + 1}/${options.processes} rounds`);
  }

  const figures: Figure[] = [];
  for (const bundle of bundles) {
    const byVariant = samples[bundle.name]!;
    const importMs = (variant: Variant) => median(byVariant[variant].map((s) => s.importMs));
    const baseline = importMs('unbundled');
    const targetKb = BUNDLE_BUDGETS[bundle.name]?.targetKb ?? 1024;
    figures.push({
      section: SECTION,
      metric: `${bundle.name}: bundle size (baseline: sources read)`,
      unit: 'KB',
      ours: bundle.bytes / KB,
      baseline: bundle.inputBytes / KB,
      target: `≤ ${targetKb} KB`,
      met: bundle.bytes <= targetKb * KB,
    });
    for (const variant of ['bundle', 'bundle-source-maps'] as const) {
      const ours = importMs(variant);
      figures.push({
        section: SECTION,
        metric: `${bundle.name}: import${variant === 'bundle' ? '' : ' --enable-source-maps (as deployed)'}`,
        unit: 'ms',
        ours,
        baseline,
        target: `≤ ${IMPORT_TARGET}× unbundled`,
        met: ours <= IMPORT_TARGET * baseline,
      });
    }
  }
  return {
    figures,
    details: {
      bundles: bundles.map(({ file: _file, contributors, ...rest }) => ({
        ...rest,
        contributors: contributors.slice(0, 10),
      })),
      samples,
    },
  };
};
