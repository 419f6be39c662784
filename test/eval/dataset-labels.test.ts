import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evalDatasetSchema } from '../../eval/dataset.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/fastapi-docs/', import.meta.url));
const dataset = evalDatasetSchema.parse(
  JSON.parse(readFileSync(`${ROOT}eval/dataset.json`, 'utf8')),
);

const page = (path: string) => readFileSync(`${CORPUS}${path}`, 'utf8');
const answerable = (id: string) => dataset.answerable.find((item) => item.id === id)!;
const conversation = (id: string) => dataset.conversations.find((item) => item.id === id)!;

describe.skipIf(!existsSync(CORPUS))('eval/dataset.json labels against the corpus', () => {
  it('a137 (required query parameter) also expects query-params-str-validations.md, whose "Required parameters" section answers it', () => {
    const item = answerable('a137');
    expect(item.question).toMatch(/make a query parameter required/);
    // The page answers the question in a section of its own:
    expect(page('tutorial/query-params-str-validations.md')).toContain(
      'we can make the `q` query parameter required just by not declaring a default value',
    );

    expect(item.expected).toContain('tutorial/query-params-str-validations.md');
  });

  it('a108 (several Uvicorn workers per container on Kubernetes) also expects deployment/server-workers.md, which answers it', () => {
    const item = answerable('a108');
    expect(item.question).toMatch(/Kubernetes.*several Uvicorn workers/);
    expect(page('deployment/server-workers.md')).toContain(
      'when running on **Kubernetes** you will probably **not** want to use workers and instead run **a single Uvicorn process per container**',
    );

    expect(item.expected).toContain('deployment/server-workers.md');
  });

  it('c013 (the same question as a follow-up) also expects deployment/server-workers.md, which answers it', () => {
    const item = conversation('c013');
    expect(item.turns[1]).toMatch(/inside each container on Kubernetes/);
    expect(page('deployment/server-workers.md')).toContain(
      'when running on **Kubernetes** you will probably **not** want to use workers and instead run **a single Uvicorn process per container**',
    );

    expect(item.expected).toContain('deployment/server-workers.md');
  });

  it('a056 (serve a folder of images and CSS) also expects reference/staticfiles.md, as other questions expect their reference page', () => {
    const item = answerable('a056');
    expect(page('reference/staticfiles.md')).toContain(
      'You can use the `StaticFiles` class to serve static files, like JavaScript, CSS, images, etc.',
    );
    // The set's convention: a reference page that answers is expected too (a074, a165, a025).
    expect(answerable('a165').expected).toContain('reference/responses.md');

    expect(item.expected).toContain('reference/staticfiles.md');
  });

  it('holds no held-out question that restates a tuning one (most of its words in one tuning item)', () => {
    const words = (text: string) =>
      new Set(
        (text.toLowerCase().match(/[a-z]+/g) ?? [])
          .map((word) => word.replace(/(es|s)$/, ''))
          .filter(
            (word) =>
              word.length > 3 &&
              ![
                'should',
                'still',
                'that',
                'each',
                'with',
                'what',
                'does',
                'when',
                'which',
                'there',
                'from',
                'have',
                'this',
                'into',
                'your',
              ].includes(word),
          ),
      );
    const tuning = [
      ...dataset.answerable.filter((item) => item.split === 'tune').map((item) => item.question),
      ...dataset.conversations
        .filter((item) => item.split === 'tune')
        .map((item) => item.turns.join(' ')),
    ].map(words);
    const restated = dataset.answerable
      .filter((item) => item.split === 'heldout')
      .filter((item) => {
        const asked = words(item.question);
        return tuning.some(
          (known) => [...asked].filter((word) => known.has(word)).length / asked.size >= 0.8,
        );
      })
      .map((item) => item.id);

    expect(restated).toEqual([]);
  });
});
