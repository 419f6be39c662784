import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack } from '../dev/local-stack.js';
import {
  DEFAULT_FUSION,
  type RetrievalMode,
  type VectorStore,
} from '../lambdas/core/ports/vector-store.js';
import {
  type AbstentionFloors,
  DEFAULT_RETRIEVAL,
  type Retrieval,
  type RetrievalSettings,
  retrievePassages,
} from '../lambdas/core/retrieval/retrieve-passages.js';
import {
  calibrateRule,
  type FloorRule,
  type QuestionReadings,
  type RatedFloors,
  type RuleTrial,
  rankFloors,
} from './abstention-floors.js';
import {
  type AbstentionScore,
  calibrateScoreFit,
  fitAbstentionScore,
  type RatedScore,
  rateScore,
  type ScoreFit,
  type ScoreTrial,
  scoreAbstains,
} from './abstention-score.js';
import { type EvalDataset, loadDataset, type Split } from './dataset.js';
import { bootstrap, type Estimate, hitAt, ndcgAt, reciprocalRank } from './metrics.js';

const USAGE = `Usage: npm run eval -- [options]

Ingests a corpus into a fresh local stack and scores retrieval on eval/dataset.json, side by
side for dense-only, lexical-only (BM25) and hybrid retrieval, on the tuning and the held-out
half; writes eval/results.json. Uses OpenAI and Qdrant when OPENAI_API_KEY / QDRANT_URL are set.

  --corpus PATH        corpus folder (default ../shared/corpus/fastapi-docs; skipped when absent)
  --dataset PATH       labelled set (default eval/dataset.json)
  --out PATH           results file (default eval/results.json; a run with any option below, or
                       --dataset, writes eval/results.partial.json, not committed)
  The abstention rule is chosen by this run on the tuning half and applied to both halves:
  floors (the kind the stack ships), or a score with --abstention-rule score (measured only).
  floors: the floors with the most unanswerable questions citing nothing while a share of
  answerable ones (and follow-ups) still cite something; score: a logistic regression over the
  same figures, its threshold at a share of answerable ones citing. That share (and the
  tie-break, or the regularization) is picked by cross-validation on the tuning half so that
  held-back answerable questions cite >= 95% of the time; both kinds are cross-validated and
  printed on every run. --default-floors uses the shipped floors instead; any --min-* option
  sets that floor and leaves the others at their defaults (nothing chosen).
  --abstention-rule K  floors or score: the kind of abstention rule this run chooses
  --default-floors     score with the shipped abstention floors, choose none (no score)
  --min-coverage X     abstention floor of the best passage's weighted coverage (default ${DEFAULT_RETRIEVAL.minCoverage})
  --min-vocabulary X   abstention floor of the question's words found at all (default ${DEFAULT_RETRIEVAL.minVocabulary})
  --min-names-cited X  abstention floor of the question's names found in a cited passage (default ${DEFAULT_RETRIEVAL.minNamesCited})
  --min-names-known X  abstention floor of the question's names found at all (default ${DEFAULT_RETRIEVAL.minNamesKnown})
  --min-closeness X    abstention floor of the best candidate's cosine with the question (default ${DEFAULT_RETRIEVAL.minCloseness})
  --fusion-k K         RRF k (default ${DEFAULT_FUSION.k})
  --weights D,L        RRF weights of the dense and the lexical ranking (default ${DEFAULT_FUSION.weights})
  --bonus W,S          BM25 bonus weight and saturation added to the fused score (0 turns it off)
  --follow-up-weight X weight of the previous question's words (default ${DEFAULT_RETRIEVAL.followUpWeight})
  --sweep              also print a sweep of these settings on the tuning half only
`;

const MODES: RetrievalMode[] = ['dense', 'lexical', 'hybrid'];
const SPLITS: Split[] = ['tune', 'heldout'];
const TENANT = 'local';
const CITED = 5;
const DEPTH = 10;
/** Chunks ranked for nDCG@10 over distinct pages (the fusion's candidates per side). */
const PAGE_RANKING_CHUNKS = 50;

/** Stops with the usage on stderr (exit 2): an option it does not know or cannot read. */
const usageError = (message: string): never => {
  process.stderr.write(`npm run eval: ${message}\n\n${USAGE}`);
  process.exit(2);
};

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        corpus: { type: 'string', default: '../shared/corpus/fastapi-docs' },
        dataset: { type: 'string' },
        out: { type: 'string' },
        'min-coverage': { type: 'string' },
        'min-vocabulary': { type: 'string' },
        'default-floors': { type: 'boolean', default: false },
        'abstention-rule': { type: 'string' },
        'min-names-cited': { type: 'string' },
        'min-names-known': { type: 'string' },
        'min-closeness': { type: 'string' },
        'fusion-k': { type: 'string' },
        weights: { type: 'string' },
        bonus: { type: 'string' },
        'follow-up-weight': { type: 'string' },
        sweep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
})();

/** A number option as given, or undefined when left out; anything but a number stops the run. */
const numberOption = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    return usageError(`--${name} must be a number; got ${JSON.stringify(text)}`);
  }
  return value;
};

/** A list option of numbers (`--weights 1,1.5`), each checked as {@link numberOption}. */
const numbersOption = (name: string, text: string | undefined): number[] | undefined => {
  const numbers = text?.split(',').map((part) => numberOption(name, part) as number);
  // A ranking weighted 0 or less: the embedded store drops it, Qdrant lists its points at 0.
  if (name === 'weights' && numbers?.some((weight) => weight <= 0)) {
    return usageError(`--weights must be above 0; got ${JSON.stringify(text)}`);
  }
  return numbers;
};

/**
 * Options that change what is measured: a run with any of them is an experiment, written to
 * `eval/results.partial.json` (not committed) unless `--out` says otherwise, so that it never
 * replaces the committed run's figures.
 */
const EXPERIMENT_OPTIONS = [
  'dataset',
  'min-coverage',
  'min-vocabulary',
  'default-floors',
  'abstention-rule',
  'min-names-cited',
  'min-names-known',
  'min-closeness',
  'fusion-k',
  'weights',
  'bonus',
  'follow-up-weight',
] as const;

/** Per-question outcomes of one retrieval configuration. */
interface Scores {
  hit1: number[];
  hit3: number[];
  hit5: number[];
  mrr: number[];
  ndcg: number[];
  /** Answerable questions that cite something. */
  cited: number[];
  /** Unanswerable questions that cite nothing. */
  abstained: number[];
  /** Follow-ups whose cited passages include an expected page. */
  followUpHit5: number[];
  misses: string[];
}

type Summary = Record<Exclude<keyof Scores, 'misses'>, Estimate> & { misses: string[] };

const runIngest = (corpus: string, apiUrl: string, apiKey: string) =>
  new Promise<void>((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/ingest.ts', '--concurrency', '8', corpus],
      {
        env: { ...process.env, API_URL: apiUrl, API_KEY: apiKey },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`ingest exited ${code}`))));
  });

/** Wall-clock and CPU milliseconds of each query. */
interface Samples {
  wall: number[];
  cpu: number[];
}

/**
 * Wraps a store to time its queries: wall clock, and the process's CPU time over the call
 * (on a machine shared with other jobs the wall clock also counts the time the scheduler gave
 * to them; the CPU time does not).
 */
const timed = (store: VectorStore, samples: Samples): VectorStore =>
  new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<VectorStore['query']>) => {
        const cpu = process.cpuUsage();
        const started = performance.now();
        const result = await target.query(...args);
        samples.wall.push(performance.now() - started);
        const used = process.cpuUsage(cpu);
        samples.cpu.push((used.user + used.system) / 1000);
        return result;
      };
    },
  });

const pagesOf = (chunks: ReadonlyArray<{ title: string }>) => chunks.map((chunk) => chunk.title);

/**
 * The passages a retrieval cites: its own (the stack's floors decide), or none when the
 * abstention score being measured (`--abstention-rule score`, with the floors off) abstains.
 */
const citedBy = (retrieval: Retrieval, abstention: AbstentionScore | null) =>
  abstention !== null && scoreAbstains(retrieval.coverages, abstention) ? [] : retrieval.chunks;

const score = async (
  dataset: EvalDataset,
  deps: { embedder: Parameters<typeof retrievePassages>[0]['embedder']; vectors: VectorStore },
  settings: RetrievalSettings,
  split: Split,
  abstention: AbstentionScore | null = null,
): Promise<Scores> => {
  const scores: Scores = {
    hit1: [],
    hit3: [],
    hit5: [],
    mrr: [],
    ndcg: [],
    cited: [],
    abstained: [],
    followUpHit5: [],
    misses: [],
  };
  // Deep enough that the first ten distinct pages nDCG@10 counts are there (ten chunks may hold
  // only two or three pages); hit@k and MRR@10 read the first chunks of the same ranking.
  const deep = { ...settings, topK: PAGE_RANKING_CHUNKS };
  for (const item of dataset.answerable.filter((entry) => entry.split === split)) {
    const ranked = await retrievePassages(deps, deep, {
      tenantId: TENANT,
      question: item.question,
    });
    const pages = pagesOf(ranked.ranked);
    scores.hit1.push(hitAt(pages, item.expected, 1));
    scores.hit3.push(hitAt(pages, item.expected, 3));
    scores.hit5.push(hitAt(pages, item.expected, CITED));
    scores.mrr.push(reciprocalRank(pages, item.expected, DEPTH));
    scores.ndcg.push(ndcgAt(pages, item.expected, DEPTH));
    if (hitAt(pages, item.expected, CITED) === 0) scores.misses.push(item.id);
    const cited = await retrievePassages(deps, settings, {
      tenantId: TENANT,
      question: item.question,
    });
    scores.cited.push(citedBy(cited, abstention).length > 0 ? 1 : 0);
  }
  for (const item of dataset.unanswerable.filter((entry) => entry.split === split)) {
    const cited = await retrievePassages(deps, settings, {
      tenantId: TENANT,
      question: item.question,
    });
    scores.abstained.push(citedBy(cited, abstention).length === 0 ? 1 : 0);
  }
  for (const item of dataset.conversations.filter((entry) => entry.split === split)) {
    const [first, second] = item.turns;
    const cited = await retrievePassages(deps, settings, {
      tenantId: TENANT,
      question: second,
      previousQuestions: [first],
    });
    const hit = hitAt(pagesOf(citedBy(cited, abstention)), item.expected, CITED);
    scores.followUpHit5.push(hit);
    if (hit === 0) scores.misses.push(item.id);
  }
  return scores;
};

const summarise = (scores: Scores): Summary => ({
  hit1: bootstrap(scores.hit1),
  hit3: bootstrap(scores.hit3),
  hit5: bootstrap(scores.hit5),
  mrr: bootstrap(scores.mrr),
  ndcg: bootstrap(scores.ndcg),
  cited: bootstrap(scores.cited),
  abstained: bootstrap(scores.abstained),
  followUpHit5: bootstrap(scores.followUpHit5),
  misses: scores.misses,
});

const ROWS: Array<[Exclude<keyof Scores, 'misses'>, string]> = [
  ['hit1', 'hit@1'],
  ['hit3', 'hit@3'],
  ['hit5', 'hit@5'],
  ['mrr', 'MRR@10'],
  ['ndcg', 'nDCG@10'],
  ['cited', 'answerable citing something'],
  ['abstained', 'unanswerable citing nothing'],
  ['followUpHit5', 'follow-up hit@5'],
];

const percent = (value: number) => (value * 100).toFixed(1);
const cell = (estimate: Estimate) =>
  `${percent(estimate.mean)} [${percent(estimate.low)}–${percent(estimate.high)}]`;

/** A Markdown table: one row per metric, one column per mode. */
const table = (bySplit: Record<RetrievalMode, Summary>, n: string): string => {
  const lines = [
    `| metric (${n}) | dense | lexical (BM25) | hybrid |`,
    '| --- | --- | --- | --- |',
    ...ROWS.map(
      ([key, label]) =>
        `| ${label} | ${MODES.map((mode) => cell(bySplit[mode][key])).join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
};

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

const sweep = async (
  dataset: EvalDataset,
  deps: Parameters<typeof score>[1],
  base: RetrievalSettings,
  abstention: AbstentionScore | null,
): Promise<void> => {
  process.stdout.write('\nSweep on the tuning half only (hybrid):\n');
  const variants: Array<[string, Partial<RetrievalSettings>]> = [];
  for (const k of [2, 5]) {
    for (const weights of [
      [1, 1],
      [1, 1.5],
      [1, 3],
    ]) {
      variants.push([`k=${k} w=${weights}`, { fusion: { k, weights, candidates: 50 } }]);
    }
  }
  for (const weight of [0.2, 0.5, 1])
    for (const saturation of [1, 3, 10])
      variants.push([
        `k=2 w=1,1.5 bonus=${weight}/${saturation}`,
        { fusion: { ...DEFAULT_FUSION, lexicalBonus: { weight, saturation } } },
      ]);
  for (const followUpWeight of [0, 0.5, 1]) {
    variants.push([`followUpWeight=${followUpWeight}`, { followUpWeight }]);
  }
  for (const [label, change] of variants) {
    const summary = summarise(
      await score(dataset, deps, { ...base, ...change }, 'tune', abstention),
    );
    process.stdout.write(
      `${label.padEnd(28)} ${ROWS.map(([key, name]) => `${name.split(' ')[0]}=${percent(summary[key].mean)}`).join(' ')}\n`,
    );
  }
  const readings = await tuningReadings(dataset, deps, base);
  const { rated, rule } = chooseFloors(readings);
  process.stdout.write(
    `\nAbstention floors on the tuning half (best first, picked by ${describeRule(rule)}):\n`,
  );
  for (const entry of rated.slice(0, 5)) {
    process.stdout.write(`${describeFloors(entry, readings)}\n`);
  }
};

const FLOOR_KEYS: Array<keyof AbstentionFloors> = [
  'minCoverage',
  'minVocabulary',
  'minNamesCited',
  'minNamesKnown',
  'minCloseness',
];

const floorsOf = (settings: AbstentionFloors): AbstentionFloors =>
  Object.fromEntries(FLOOR_KEYS.map((key) => [key, settings[key]])) as AbstentionFloors;

/** Every floor at its lowest: a rule of floors that never abstains. */
const FLOORS_OFF: AbstentionFloors = {
  minCoverage: 0,
  minVocabulary: 0,
  minNamesCited: 0,
  minNamesKnown: 0,
  minCloseness: -1,
};

/** The kinds of abstention rule the harness can choose: floors on each figure, or a score. */
const RULE_KINDS = ['floors', 'score'] as const;
type RuleKind = (typeof RULE_KINDS)[number];

/** How the tuning questions' coverage was read: what every abstention rule is chosen on. */
interface TuningReadings {
  /** Answerable questions and the second turns of the conversations. */
  answerable: QuestionReadings[];
  unanswerable: QuestionReadings[];
}

/**
 * Measures the coverage of every tuning question once (hybrid retrieval, the run's settings).
 * The second turns of the tuning conversations count as answerable questions (retrieved with
 * the first turn, as chat does), so the rule chosen does not silence follow-ups either.
 */
const tuningReadings = async (
  dataset: EvalDataset,
  deps: Parameters<typeof score>[1],
  base: RetrievalSettings,
): Promise<TuningReadings> => {
  const coverageOf = async (question: string, previousQuestions: string[] = []) =>
    (
      await retrievePassages(
        deps,
        { ...base, mode: 'hybrid' },
        { tenantId: TENANT, question, previousQuestions },
      )
    ).coverages;
  // One question at a time, as the scoring does: a real embedding API is not flooded.
  const answerable: QuestionReadings[] = [];
  const unanswerable: QuestionReadings[] = [];
  for (const item of dataset.answerable)
    if (item.split === 'tune') answerable.push(await coverageOf(item.question));
  for (const item of dataset.conversations)
    if (item.split === 'tune') answerable.push(await coverageOf(item.turns[1], [item.turns[0]]));
  for (const item of dataset.unanswerable)
    if (item.split === 'tune') unanswerable.push(await coverageOf(item.question));
  return { answerable, unanswerable };
};

/**
 * The abstention floors, chosen on the tuning half ({@link rankFloors}): every combination of
 * floors is rated on the tuning readings, picked by the rule that cross-validation on the
 * tuning half keeps ({@link calibrateRule}).
 */
const chooseFloors = ({
  answerable,
  unanswerable,
}: TuningReadings): { rated: RatedFloors[]; rule: FloorRule; trials: RuleTrial[] } => {
  const { rule, trials } = calibrateRule(answerable, unanswerable);
  return { rated: rankFloors(answerable, unanswerable, rule), rule, trials };
};

/**
 * The abstention score, fitted on the tuning half ({@link fitAbstentionScore}) with the
 * regularization and threshold share that cross-validation on the tuning half keeps
 * ({@link calibrateScoreFit}).
 */
const chooseScore = ({
  answerable,
  unanswerable,
}: TuningReadings): {
  score: AbstentionScore;
  rated: RatedScore;
  fit: ScoreFit;
  trials: ScoreTrial[];
} => {
  const { fit, trials } = calibrateScoreFit(answerable, unanswerable);
  const score = fitAbstentionScore(answerable, unanswerable, fit);
  return { score, rated: rateScore(answerable, unanswerable, score), fit, trials };
};

const describeRule = (rule: FloorRule) =>
  `>= ${percent(rule.minCitedShare)}% citing, ties to ${rule.ties} floors`;

const describeRated = (rated: { cited: number; abstained: number }, readings: TuningReadings) =>
  `answerable (and follow-ups) citing ${percent(rated.cited / readings.answerable.length)}, unanswerable citing nothing ${percent(rated.abstained / readings.unanswerable.length)}`;

const describeFloors = (rated: RatedFloors, readings: TuningReadings) =>
  `${JSON.stringify(rated.floors)} ${describeRated(rated, readings)}`;

/** The score fits' cross-validation as a grid: a row per regularization, a column per share. */
const describeScoreTrials = (trials: readonly ScoreTrial[], kept: ScoreFit): string => {
  const shares = [...new Set(trials.map((trial) => trial.fit.citedShare))];
  const penalties = [...new Set(trials.map((trial) => trial.fit.regularization))];
  const lines = [
    `  ${'penalty \\ threshold at'.padEnd(24)}${shares.map((share) => `${percent(share)}% citing`.padEnd(20)).join('')}`,
  ];
  for (const penalty of penalties) {
    const cells = shares.map((share) => {
      const trial = trials.find(
        (entry) => entry.fit.regularization === penalty && entry.fit.citedShare === share,
      )!;
      const mark = trial.fit === kept ? ' <-' : '';
      return `${percent(trial.cited)} / ${percent(trial.abstained)}${mark}`.padEnd(20);
    });
    lines.push(`  ${String(penalty).padEnd(24)}${cells.join('')}`);
  }
  return lines.join('\n');
};

const optionOf = (key: keyof AbstentionFloors) =>
  key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`) as
    | 'min-coverage'
    | 'min-vocabulary'
    | 'min-names-cited'
    | 'min-names-known'
    | 'min-closeness';

const ruleKindOf = (text: string | undefined): RuleKind => {
  if (text === undefined) return 'floors';
  if (!(RULE_KINDS as readonly string[]).includes(text)) {
    return usageError(`--abstention-rule must be floors or score; got ${JSON.stringify(text)}`);
  }
  return text as RuleKind;
};

/**
 * Chooses the abstention rule of `kind` on the tuning readings, after printing the
 * cross-validation of both kinds side by side: floors are set in `base`; a score is returned
 * for the harness to apply, with `base`'s floors turned off (the stack has no score). Also
 * returns what `eval/results.json` records of the choice, with whether it is the shipped rule.
 */
const chooseRule = (
  kind: RuleKind,
  readings: TuningReadings,
  base: RetrievalSettings,
): { record: Record<string, unknown>; score: AbstentionScore | null } => {
  const floors = chooseFloors(readings);
  const scored = chooseScore(readings);
  process.stdout.write(
    'Abstention floors pickers, cross-validated on the tuning half (pick on one random half, score on the other):\n',
  );
  for (const trial of floors.trials) {
    process.stdout.write(
      `  ${describeRule(trial.rule).padEnd(44)} held-back answerable citing ${percent(trial.cited)}, unanswerable citing nothing ${percent(trial.abstained)}${trial.rule === floors.rule ? '  <- kept' : ''}\n`,
    );
  }
  process.stdout.write(
    `Abstention score fits, cross-validated the same way (held-back answerable citing / unanswerable citing nothing):\n${describeScoreTrials(scored.trials, scored.fit)}\n`,
  );
  const best = floors.rated[0];
  if (kind === 'floors' && best === undefined) {
    throw new Error('no abstention floors keep enough answerable questions citing');
  }
  const shippedFloors = floorsOf(DEFAULT_RETRIEVAL);
  const chosenFloors = kind === 'floors' ? best!.floors : FLOORS_OFF;
  const chosenScore = kind === 'score' ? scored.score : null;
  Object.assign(base, chosenFloors);
  const shipped =
    kind === 'floors' && JSON.stringify(chosenFloors) === JSON.stringify(shippedFloors);
  const rated = kind === 'floors' ? best! : scored.rated;
  process.stdout.write(
    `Abstention rule chosen on the tuning half (${kind}): ${kind === 'floors' ? JSON.stringify(chosenFloors) : `score ${JSON.stringify(chosenScore)} (${JSON.stringify(scored.fit)})`} ${describeRated(rated, readings)}${shipped ? ' (the shipped rule)' : `; the stack ships the floors ${JSON.stringify(shippedFloors)}`}\n`,
  );
  const record = {
    chosenOnTune: true,
    kind,
    rule: floors.rule,
    ruleTrials: floors.trials,
    scoreFit: scored.fit,
    scoreTrials: scored.trials,
    floors: chosenFloors,
    score: chosenScore,
    tuneAnswerableCiting: rated.cited / readings.answerable.length,
    tuneUnanswerableCitingNothing: rated.abstained / readings.unanswerable.length,
    sameAsDefaults: shipped,
  };
  return { record, score: chosenScore };
};

const bonusOf = (text: string) => {
  const [weight = 0, saturation = 1] = numbersOption('bonus', text) ?? [];
  return { weight, saturation };
};

const main = async (): Promise<number> => {
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // Every number is read before the stack starts, so a typo costs no ingest.
  for (const name of EXPERIMENT_OPTIONS) {
    const value = values[name];
    if (typeof value === 'string' && name !== 'dataset' && name !== 'abstention-rule')
      numbersOption(name, value);
  }
  numberOption('RETRIEVAL_MIN_SCORE', process.env.RETRIEVAL_MIN_SCORE?.trim() || undefined);
  ruleKindOf(values['abstention-rule']);
  const corpus = resolve(values.corpus);
  if (!existsSync(corpus)) {
    process.stdout.write(
      `npm run eval: skipped, no corpus at ${corpus}. The labelled set describes the FastAPI docs; point --corpus at them.\n`,
    );
    return 0;
  }
  const experiment = EXPERIMENT_OPTIONS.some(
    (name) => values[name] !== undefined && values[name] !== false,
  );
  const out = values.out ?? (experiment ? 'eval/results.partial.json' : 'eval/results.json');
  const dataset = await loadDataset(values.dataset ?? 'eval/dataset.json');
  const dataDir = await mkdtemp(join(tmpdir(), 'rag-eval-'));
  const stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'ERROR' });
  try {
    const ingestStarted = performance.now();
    await runIngest(corpus, stack.apiUrl, stack.apiKey);
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const chunks = await stack.ai.vectorStore.count(TENANT);
    process.stdout.write(
      `Ingested ${corpus} (${chunks} chunks) in ${ingestSeconds.toFixed(1)} s; provider ${stack.provider}, vector store ${stack.vectorStore}\n`,
    );
    const [denseWeight, lexicalWeight] = numbersOption('weights', values.weights) ?? [1, 1];
    const base: RetrievalSettings = {
      ...DEFAULT_RETRIEVAL,
      topK: CITED,
      // What chat retrieves with on this stack, so the floors are chosen for it.
      minScore: stack.retrievalMinScore,
      ...(values['min-coverage']
        ? { minCoverage: numberOption('min-coverage', values['min-coverage']) }
        : {}),
      ...(values['min-vocabulary']
        ? { minVocabulary: numberOption('min-vocabulary', values['min-vocabulary']) }
        : {}),
      ...(values['min-names-cited']
        ? { minNamesCited: numberOption('min-names-cited', values['min-names-cited']) }
        : {}),
      ...(values['min-names-known']
        ? { minNamesKnown: numberOption('min-names-known', values['min-names-known']) }
        : {}),
      ...(values['min-closeness']
        ? { minCloseness: numberOption('min-closeness', values['min-closeness']) }
        : {}),
      ...(values['follow-up-weight']
        ? { followUpWeight: numberOption('follow-up-weight', values['follow-up-weight']) }
        : {}),
      fusion: {
        ...DEFAULT_RETRIEVAL.fusion,
        ...(values['fusion-k'] ? { k: numberOption('fusion-k', values['fusion-k']) } : {}),
        ...(values.weights ? { weights: [denseWeight ?? 1, lexicalWeight ?? 1] } : {}),
        ...(values.bonus ? { lexicalBonus: bonusOf(values.bonus) } : {}),
      },
    };
    const ruleGiven =
      values['default-floors'] || FLOOR_KEYS.some((key) => values[optionOf(key)] !== undefined);
    const kind = ruleKindOf(values['abstention-rule']);
    let abstention: Record<string, unknown> = { chosenOnTune: false, floors: floorsOf(base) };
    let abstentionScore: AbstentionScore | null = null;
    if (!ruleGiven) {
      ({ record: abstention, score: abstentionScore } = chooseRule(
        kind,
        await tuningReadings(
          dataset,
          { embedder: stack.ai.embedder, vectors: stack.ai.vectorStore },
          base,
        ),
        base,
      ));
    }
    const latencies: Record<RetrievalMode, Samples> = {
      dense: { wall: [], cpu: [] },
      lexical: { wall: [], cpu: [] },
      hybrid: { wall: [], cpu: [] },
    };
    const results = {} as Record<Split, Record<RetrievalMode, Summary>>;
    for (const split of SPLITS) {
      results[split] = {} as Record<RetrievalMode, Summary>;
      for (const mode of MODES) {
        const deps = {
          embedder: stack.ai.embedder,
          vectors: timed(stack.ai.vectorStore, latencies[mode]),
        };
        results[split][mode] = summarise(
          await score(dataset, deps, { ...base, mode }, split, abstentionScore),
        );
      }
    }
    const count = (split: Split) =>
      `${split}: ${dataset.answerable.filter((i) => i.split === split).length} answerable, ${dataset.unanswerable.filter((i) => i.split === split).length} unanswerable, ${dataset.conversations.filter((i) => i.split === split).length} follow-ups`;
    for (const split of SPLITS) {
      process.stdout.write(
        `\n${split === 'tune' ? 'Tuning half' : 'Held-out half'} (${count(split)}); % with bootstrap 95% intervals\n\n`,
      );
      process.stdout.write(`${table(results[split], split)}\n`);
    }
    const latency = Object.fromEntries(
      MODES.map((mode) => [
        mode,
        {
          p50: percentile(latencies[mode].wall, 50),
          p95: percentile(latencies[mode].wall, 95),
          cpuP50: percentile(latencies[mode].cpu, 50),
          cpuP95: percentile(latencies[mode].cpu, 95),
          n: latencies[mode].wall.length,
        },
      ]),
    );
    process.stdout.write(
      `\nVector store query latency (${stack.vectorStore}, ${chunks} chunks), ms (wall clock; CPU time in brackets): ${MODES.map((mode) => `${mode} p50 ${latency[mode]!.p50.toFixed(2)} [${latency[mode]!.cpuP50.toFixed(2)}] p95 ${latency[mode]!.p95.toFixed(2)} [${latency[mode]!.cpuP95.toFixed(2)}]`).join('; ')}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores\n`,
    );
    await writeFile(
      out,
      `${JSON.stringify(
        {
          corpus: dataset.corpus,
          provider: stack.provider,
          vectorStore: stack.vectorStore,
          chunks,
          ingestSeconds: Math.round(ingestSeconds * 10) / 10,
          settings: base,
          abstention,
          latencyMs: latency,
          loadAverage: Math.round(loadavg()[0]! * 10) / 10,
          results,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`Wrote ${out}\n`);
    if (values.sweep) {
      await sweep(
        dataset,
        { embedder: stack.ai.embedder, vectors: stack.ai.vectorStore },
        { ...base, mode: 'hybrid' },
        abstentionScore,
      );
    }
    return 0;
  } finally {
    await stack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
