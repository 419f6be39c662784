import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndcgAt } from '../../eval/metrics.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

/**
 * A corpus where one page (guide.md) fills the first 12 ranks with its chunks, all about the
 * question, and a second page (reference.md) that also answers it comes 13th: as distinct
 * pages the ranking is guide.md, reference.md, … — both expected pages on top.
 */
const section = (n: number) =>
  `## Zebra widget configuration part ${n}\n\n${Array.from(
    { length: 12 },
    (_, i) =>
      `To configure the zebra widget set the zebra widget option ${n}-${i}; the zebra widget reads its configuration at start.`,
  ).join(' ')}\n`;

let dir: string;
let results: {
  results: { tune: { hybrid: { ndcg: { mean: number }; hit1: { mean: number } } } };
  provider: string;
  settings: { minScore: number };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'review-eval-ndcg-'));
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  writeFileSync(
    join(corpus, 'guide.md'),
    `# Zebra widget guide\n\n${Array.from({ length: 12 }, (_, n) => section(n)).join('\n')}`,
  );
  writeFileSync(
    join(corpus, 'reference.md'),
    `# Reference\n\n${'Unrelated notes on lamps, tables, chairs and shelves in the living room. '.repeat(8)}The zebra widget can be configured here as well. ${'Unrelated notes on lamps, tables, chairs and shelves in the living room. '.repeat(8)}\n`,
  );
  for (const name of ['apples', 'boats', 'clouds', 'drums']) {
    writeFileSync(
      join(corpus, `${name}.md`),
      `# About ${name}\n\n${`Some unrelated text about ${name} and the weather. `.repeat(30)}\n`,
    );
  }
  writeFileSync(
    join(dir, 'dataset.json'),
    JSON.stringify({
      corpus: 'synthetic',
      answerable: [
        {
          id: 'q1',
          question: 'How do I configure the zebra widget?',
          expected: ['guide.md', 'reference.md'],
          split: 'tune',
        },
      ],
      unanswerable: [],
      conversations: [],
    }),
  );
  await promisify(execFile)(
    TSX,
    [
      'eval/run.ts',
      '--corpus',
      corpus,
      '--dataset',
      join(dir, 'dataset.json'),
      '--default-floors',
      '--out',
      join(dir, 'results.json'),
    ],
    { cwd: ROOT, env: { ...process.env, RETRIEVAL_MIN_SCORE: '' } },
  );
  results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run eval on a small corpus', () => {
  it('nDCG@10 over distinct pages: scores 1 when the two expected pages are the first two distinct pages of the ranking', () => {
    // Sanity: the ranking does put an expected page first.
    expect(results.results.tune.hybrid.hit1.mean).toBe(1);
    // The metric itself, given the distinct pages in order, says 1:
    expect(ndcgAt(['guide.md', 'reference.md', 'apples.md'], ['guide.md', 'reference.md'])).toBe(1);

    // The harness hands it only the first 10 chunks (all guide.md), so reference.md, the
    // second distinct page, is never seen: 1 / (1 + 1/log2 3) = 0.613.
    expect(results.results.tune.hybrid.ndcg.mean).toBe(1);
  });

  it('scores the retrieval settings the stack it started serves chat with (RETRIEVAL_MIN_SCORE 0.1 offline)', () => {
    // dev/local-stack.ts OFFLINE_DEFAULTS and the README's settings table: chat on this stack
    // drops dense candidates under a cosine of 0.1 (0.25 with OpenAI) and reads a closeness of
    // -1 for a question no passage reaches it for; the harness scores and calibrates with -1.
    expect(results.provider).toBe('offline');

    expect(results.settings.minScore).toBe(0.1);
  });
});
