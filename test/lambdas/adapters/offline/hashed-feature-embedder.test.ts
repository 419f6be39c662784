import { describe, expect, it } from 'vitest';
import { HashedFeatureEmbedder } from '../../../../lambdas/adapters/offline/hashed-feature-embedder.js';

const cosine = (a: number[], b: number[]) =>
  a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);

const PATH_PARAMETERS =
  'You can declare path parameters or variables with the same syntax used by Python format strings. ' +
  'The value of the path parameter item_id will be passed to your function as the argument item_id.';
const QUERY_PARAMETERS =
  'When you declare other function parameters that are not part of the path parameters, they are ' +
  'automatically interpreted as query parameters. The query is the set of key-value pairs after the ?.';
const CORS =
  'CORS or Cross-Origin Resource Sharing refers to the situations when a frontend running in a browser ' +
  'has JavaScript code that communicates with a backend in a different origin. Use the CORSMiddleware.';
const FILES =
  'You can define files to be uploaded by the client using File. To receive uploaded files, first ' +
  'install python-multipart. Files will be uploaded as form data.';

describe('HashedFeatureEmbedder', () => {
  const embedder = new HashedFeatureEmbedder();

  it('is labelled as the offline model, 4096 dimensions by default', () => {
    expect(embedder.model).toBe('offline-hashed-terms');
    expect(embedder.dimensions).toBe(4096);
    expect(new HashedFeatureEmbedder({ dimensions: 64 }).dimensions).toBe(64);
  });

  it('gives the same vector for the same text, every time and in every instance', async () => {
    const first = await embedder.embed(['How do I declare path parameters?']);
    const second = await new HashedFeatureEmbedder().embed(['How do I declare path parameters?']);

    expect(second.vectors).toEqual(first.vectors);
  });

  it('returns unit-length vectors of the configured size, blank text included', async () => {
    const { vectors } = await new HashedFeatureEmbedder({ dimensions: 64 }).embed([
      PATH_PARAMETERS,
      'the a of',
      '',
    ]);

    for (const vector of vectors) {
      expect(vector).toHaveLength(64);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
    }
  });

  it('ignores case, punctuation and plural endings', async () => {
    const { vectors } = await embedder.embed(['Path Parameters!', 'path parameter']);

    expect(cosine(vectors[0] ?? [], vectors[1] ?? [])).toBeCloseTo(1, 10);
  });

  it('puts related texts closer than unrelated ones', async () => {
    const { vectors } = await embedder.embed([
      'What are path parameters?',
      PATH_PARAMETERS,
      CORS,
      FILES,
    ]);
    const [question, related, ...unrelated] = vectors;

    const relatedScore = cosine(question ?? [], related ?? []);
    for (const other of unrelated)
      expect(relatedScore).toBeGreaterThan(cosine(question ?? [], other) + 0.2);
  });

  it('ranks the chunk about path parameters first for a question about them', async () => {
    const chunks = [QUERY_PARAMETERS, CORS, PATH_PARAMETERS, FILES];
    const { vectors } = await embedder.embed(['How do I declare path parameters?', ...chunks]);
    const [question, ...chunkVectors] = vectors;

    const scores = chunkVectors.map((vector) => cosine(question ?? [], vector));

    expect(scores.indexOf(Math.max(...scores))).toBe(2);
  });

  it('matches identifiers by their words (CORSMiddleware is about CORS middleware)', async () => {
    const { vectors } = await embedder.embed(['How do I add CORS middleware?', CORS, FILES]);

    expect(cosine(vectors[0] ?? [], vectors[1] ?? [])).toBeGreaterThan(
      cosine(vectors[0] ?? [], vectors[2] ?? []),
    );
  });

  it('matches an identifier by its parts, as BM25 does (UploadFile is also upload, file)', async () => {
    const { vectors } = await embedder.embed(['UploadFile', 'upload a file', 'query values']);

    expect(cosine(vectors[0] ?? [], vectors[1] ?? [])).toBeGreaterThan(0.5);
    expect(cosine(vectors[0] ?? [], vectors[2] ?? [])).toBeCloseTo(0, 10);
  });

  it("counts a chunk's title line (its heading path) more than a word of its body", async () => {
    const { vectors } = await embedder.embed([
      'path parameters',
      'Path Parameters\n\nDeclare them like query values.',
      'Query Values\n\nDeclare them like path parameters.',
    ]);

    expect(cosine(vectors[0] ?? [], vectors[1] ?? [])).toBeGreaterThan(
      cosine(vectors[0] ?? [], vectors[2] ?? []),
    );
  });

  it('reads no title line in a question or a follow-up (no blank line after the first)', async () => {
    const { vectors } = await embedder.embed([
      'Path parameters?\nAnd query values?',
      'Path parameters? And query values?',
    ]);

    expect(cosine(vectors[0] ?? [], vectors[1] ?? [])).toBeCloseTo(1, 10);
  });

  it('reports an estimate of the tokens and honours an aborted signal', async () => {
    const { promptTokens } = await embedder.embed(['What are path parameters?']);
    const controller = new AbortController();
    controller.abort();

    expect(promptTokens).toBeGreaterThan(0);
    await expect(embedder.embed(['x'], { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
