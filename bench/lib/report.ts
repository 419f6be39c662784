/**
 * The benchmark's one table: every figure beside its baseline (measured in the same run), the
 * ratio, and the target it is held against.
 */

/** One row of the table. */
export interface Figure {
  /** Which part of the benchmark, e.g. `1 cold start`. */
  section: string;
  /** What is measured, e.g. `chat-api import`. */
  metric: string;
  /** Unit of `ours` and `baseline`, printed after the numbers. */
  unit: string;
  /** The project's figure (a median over repeats). */
  ours: number;
  /** The same figure for the section's baseline, when it has one. */
  baseline?: number;
  /** The target in words, e.g. `≤ 0.5× baseline`. */
  target?: string;
  /** Whether the target is met (absent: no target). */
  met?: boolean;
}

/** Everything `bench/results.json` holds. */
export interface BenchReport {
  meta: {
    startedAt: string;
    durationSeconds: number;
    quick: boolean;
    node: string;
    cpus: string;
    cores: number;
    command: string;
  };
  /** Baselines of each section, in words. */
  baselines: Record<string, string>;
  figures: Figure[];
  /** Raw per-section measurements, for whoever wants to dig. */
  details: Record<string, unknown>;
  /** Sections that failed, with the start of their error; the others still ran. */
  failures?: string[];
}

/**
 * Formats a number with a precision that suits its size: `1234` → `1234`, `12.34` → `12.3`,
 * `0.1234` → `0.123`.
 *
 * @example
 * formatNumber(0.01234); // '0.0123'
 */
export const formatNumber = (value: number): string => {
  if (!Number.isFinite(value)) return '—';
  const size = Math.abs(value);
  if (size >= 100) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  if (size >= 1) return value.toFixed(2);
  return value.toPrecision(3);
};

const withUnit = (value: number | undefined, unit: string): string =>
  value === undefined ? '—' : `${formatNumber(value)}${unit === '' ? '' : ` ${unit}`}`;

const ratioOf = (figure: Figure): string => {
  if (figure.baseline === undefined || figure.baseline === 0) return '—';
  const value = figure.ours / figure.baseline;
  return Number.isFinite(value) ? `${formatNumber(value)}×` : '—';
};

const verdict = (figure: Figure): string => {
  if (figure.met === undefined) return '';
  return figure.met ? 'met' : 'MISSED';
};

/**
 * Renders the figures as one plain-text table, a section per block, with the baselines
 * explained underneath.
 *
 * @example
 * console.log(renderTable(report.figures, report.baselines));
 */
export const renderTable = (
  figures: readonly Figure[],
  baselines: Readonly<Record<string, string>>,
): string => {
  const header = ['section', 'metric', 'ours', 'baseline', 'ratio', 'target', ''];
  const rows = figures.map((figure) => [
    figure.section,
    figure.metric,
    withUnit(figure.ours, figure.unit),
    withUnit(figure.baseline, figure.unit),
    ratioOf(figure),
    figure.target ?? '',
    verdict(figure),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const numeric = new Set([2, 3, 4]);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  const out = [line(header), rule];
  let previous = '';
  for (const [index, row] of rows.entries()) {
    const section = figures[index]!.section;
    if (previous !== '' && section !== previous) out.push('');
    out.push(line(section === previous ? ['', ...row.slice(1)] : row));
    previous = section;
  }
  out.push(rule);
  for (const [section, text] of Object.entries(baselines)) out.push(`baseline ${section}: ${text}`);
  return out.join('\n');
};
