import { describe, expect, it } from 'vitest';
import { ExtractiveChatModel } from '../../../../lambdas/adapters/offline/extractive-chat-model.js';
import { buildPrompt } from '../../../../lambdas/core/chat/build-prompt.js';
import type { CompletionEvent } from '../../../../lambdas/core/ports/chat-model.js';
import type { ScoredChunk } from '../../../../lambdas/core/ports/vector-store.js';

const chunk = (title: string, text: string, score = 0.5): ScoredChunk => ({
  documentId: title.toLowerCase().replace(/\W+/g, '-'),
  title,
  chunkIndex: 0,
  text,
  score,
});

const PATH_PARAMETERS = chunk(
  'Path Parameters',
  [
    '# Path Parameters { #path-parameters }',
    '',
    'You can declare path "parameters" or "variables" with the same syntax used by Python format strings:',
    '',
    '{* ../../docs_src/path_params/tutorial001_py310.py hl[6:7] *}',
    '',
    'The value of the path parameter `item_id` will be passed to your function as the argument `item_id`.',
    '',
    '```python',
    'async def read_item(item_id): ...',
    '```',
    '',
    'You can declare the type of a path parameter in the function, using standard Python type annotations.',
  ].join('\n'),
);
const CORS = chunk(
  'CORS (Cross-Origin Resource Sharing)',
  'CORS refers to the situations when a frontend running in a browser talks to a backend in a different origin. You can configure it in your FastAPI application using the CORSMiddleware.',
);

const question = (text: string, chunks: ScoredChunk[]) =>
  buildPrompt({ question: text, history: [], chunks });

const collect = async (events: AsyncIterable<CompletionEvent>) => {
  const seen: CompletionEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
};

describe('ExtractiveChatModel', () => {
  const model = new ExtractiveChatModel();

  it('answers with the sentences that match the question, citing their source', async () => {
    const { content } = await model.complete(
      question('What are path parameters?', [CORS, PATH_PARAMETERS]),
    );

    expect(content).toContain('You can declare path "parameters" or "variables"');
    expect(content).toMatch(/\[2\]/);
    expect(content).not.toContain('[1]');
  });

  it('quotes prose only: no code blocks, includes or heading anchors', async () => {
    const { content } = await model.complete(
      question('How do I declare a path parameter type?', [PATH_PARAMETERS]),
    );

    expect(content).not.toMatch(/```|\{\*|#path-parameters|async def/);
    expect(content).toContain('using standard Python type annotations. [1]');
  });

  it('says honestly that nothing relevant was found when the prompt has no source', async () => {
    const { content } = await model.complete(question('What is the capital of Peru?', []));

    expect(content).toMatch(/found nothing relevant/i);
    expect(content).not.toMatch(/\[\d+\]/);
  });

  it('says when the sources do not answer directly, and still cites the closest one', async () => {
    const { content } = await model.complete(
      question('Which database engines are supported?', [CORS]),
    );

    expect(content).toMatch(/^None of the retrieved passages answers this directly/);
    expect(content).toContain('[1]');
  });

  it('is labelled offline and reports estimated usage', async () => {
    const completion = await model.complete(
      question('What are path parameters?', [PATH_PARAMETERS]),
    );

    expect(completion.model).toBe('offline');
    expect(completion.usage.promptTokens).toBeGreaterThan(0);
    expect(completion.usage.totalTokens).toBe(
      completion.usage.promptTokens + completion.usage.completionTokens,
    );
  });

  describe('stream', () => {
    it('streams the same answer word by word, then one done', async () => {
      const messages = question('What are path parameters?', [PATH_PARAMETERS]);
      const { content, usage } = await model.complete(messages);

      const events = await collect(model.stream(messages));

      const deltas = events.flatMap((event) => (event.type === 'delta' ? [event.text] : []));
      expect(deltas.length).toBeGreaterThan(10);
      expect(deltas.join('')).toBe(content);
      expect(events.at(-1)).toEqual({ type: 'done', model: 'offline', usage });
    });

    it('paces the words when a token delay is set', async () => {
      const paced = new ExtractiveChatModel({ tokenDelayMs: 5 });
      const started = Date.now();

      const events = await collect(paced.stream(question('What are path parameters?', [])));

      expect(Date.now() - started).toBeGreaterThanOrEqual((events.length - 2) * 4);
    });

    it("stops with the caller's abort", async () => {
      const paced = new ExtractiveChatModel({ tokenDelayMs: 5 });
      const controller = new AbortController();
      const seen: CompletionEvent[] = [];

      const failure = await (async () => {
        for await (const event of paced.stream(
          question('What are path parameters?', [PATH_PARAMETERS]),
          {
            signal: controller.signal,
          },
        )) {
          seen.push(event);
          if (seen.length === 3) controller.abort();
        }
      })().catch((error: unknown) => error);

      expect(failure).toMatchObject({ name: 'AbortError' });
      expect(seen).toHaveLength(3);
    });
  });
});
