import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '../../../../lambdas/core/ports/vector-store.js';
import { conversationalQuery } from '../../../../lambdas/core/retrieval/conversational-query.js';
import { liveChunks } from '../../../../lambdas/core/retrieval/live-chunks.js';
import { liveRanking } from '../../../../lambdas/core/retrieval/live-ranking.js';
import {
  DEFAULT_RETRIEVAL,
  type RetrievalSettings,
  rankCandidates,
} from '../../../../lambdas/core/retrieval/retrieve-passages.js';
import { someDocumentsLive } from '../../../support/fakes/some-documents-live.js';

const SETTINGS: RetrievalSettings = { ...DEFAULT_RETRIEVAL, topK: 3, minScore: -1 };

const chunk = (documentId: string, chunkIndex: number, text: string, denseScore = 0.5) => ({
  documentId,
  title: `${documentId}.md`,
  chunkIndex,
  text,
  score: 1 - chunkIndex / 100,
  denseScore,
});

/** The ranking of `found` as if all were live, and how to rank any of them again. */
const ranking = (
  settings: RetrievalSettings,
  question: string,
  found: ScoredChunk[],
  previous: string[] = [],
) => {
  const query = conversationalQuery(question, previous, settings.followUpWeight);
  const rank = (citable: ScoredChunk[]) => rankCandidates(settings, question, query, citable);
  return { rank, optimistic: rank(found) };
};

const QUESTION = 'How do I declare path parameters?';
const FOUND = [
  chunk('path', 0, 'Path parameters are declared in the path.'),
  chunk('path', 1, 'Declare path parameters with types.'),
  chunk('query', 2, 'Query parameters are the other parameters.'),
  chunk('cookies', 3, 'Cookies are declared with Cookie.'),
  chunk('headers', 4, 'Headers are declared with Header.'),
  chunk('forms', 5, 'Form fields are declared with Form.'),
];

describe('liveRanking', () => {
  it('reads only the documents of the candidates that decide the ranking when they are all live', async () => {
    const { rank, optimistic } = ranking(SETTINGS, QUESTION, FOUND);
    const { documents, asked } = someDocumentsLive([
      'path',
      'query',
      'cookies',
      'headers',
      'forms',
    ]);

    const live = await liveRanking(documents, 'acme', FOUND, optimistic.deciding, optimistic, rank);

    expect(live).toBe(optimistic);
    expect(asked).toEqual([['path', 'query']]);
  });

  it('reads the other candidates’ documents when a deciding one is not live, and ranks the live candidates', async () => {
    const { rank, optimistic } = ranking(SETTINGS, QUESTION, FOUND);
    const { documents, asked } = someDocumentsLive(['path', 'cookies', 'headers', 'forms']);

    const live = await liveRanking(documents, 'acme', FOUND, optimistic.deciding, optimistic, rank);

    expect(asked).toEqual([
      ['path', 'query'],
      ['cookies', 'headers', 'forms'],
    ]);
    expect(live.chunks).toEqual([FOUND[0], FOUND[1], FOUND[3]]);
  });

  it('reads nothing when the candidates know too few of the question’s words to cite any', async () => {
    const { rank, optimistic } = ranking(SETTINGS, 'How do I bake sourdough bread?', FOUND);
    const { documents, asked } = someDocumentsLive([]);

    const live = await liveRanking(documents, 'acme', FOUND, optimistic.deciding, optimistic, rank);

    expect(live.chunks).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('cites what reading every candidate’s document would, whichever documents are live', async () => {
    const WORDS = ['path', 'parameters', 'declare', 'Kafka', 'cookie', 'query', 'bread', 'the'];
    const DOCUMENTS = ['a', 'b', 'c', 'd', 'e', 'f'];
    const candidate = fc.record({
      documentId: fc.constantFrom(...DOCUMENTS),
      words: fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }),
      denseScore: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: undefined }),
    });
    const floor = fc.constantFrom(0, 0.2, 0.5, 0.75, 1);
    const settings = fc.record({
      topK: fc.integer({ min: 1, max: 4 }),
      minCoverage: fc.constantFrom(0, 0, 0.3),
      minVocabulary: floor,
      minNamesCited: fc.constantFrom(0, 0, 1),
      minNamesKnown: floor,
      minCloseness: fc.constantFrom(-1, 0, 0.18, 0.5),
      mode: fc.constantFrom('hybrid' as const, 'lexical' as const),
    });
    const sentence = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(candidate, { maxLength: 12 }),
        settings,
        sentence,
        fc.option(sentence, { nil: undefined }),
        fc.subarray(DOCUMENTS),
        async (candidates, chosen, questionWords, previousWords, liveIds) => {
          const found = candidates.map((c, index) => ({
            ...chunk(c.documentId, index, c.words.join(' ')),
            denseScore: c.denseScore,
          }));
          const question = `And ${questionWords.join(' ')}?`;
          const previous = previousWords ? [`How ${previousWords.join(' ')}?`] : [];
          const { rank, optimistic } = ranking(
            { ...SETTINGS, ...chosen },
            question,
            found,
            previous,
          );
          const { documents } = someDocumentsLive(liveIds);

          const live = await liveRanking(
            documents,
            'acme',
            found,
            optimistic.deciding,
            optimistic,
            rank,
          );

          const everyRead = rank(await liveChunks(documents, 'acme', found));
          expect(live.chunks).toEqual(everyRead.chunks);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
