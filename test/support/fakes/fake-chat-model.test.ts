import { describe, expect, it } from 'vitest';
import type { CompletionEvent } from '../../../lambdas/core/ports/chat-model.js';
import { FakeChatModel } from './fake-chat-model.js';

const ask = [{ role: 'user' as const, content: 'What is up?' }];

const drain = async (events: AsyncIterable<CompletionEvent>) => {
  const seen: CompletionEvent[] = [];
  const failure = await (async () => {
    for await (const event of events) seen.push(event);
  })().catch((error: unknown) => error);
  return { seen, failure };
};

describe('FakeChatModel', () => {
  it('answers with the scripted replies in order, then the default echo', async () => {
    const model = new FakeChatModel({ replies: ['First.', () => 'Second.'] });

    const answers = [
      await model.complete(ask),
      await model.complete(ask),
      await model.complete(ask),
    ];

    expect(answers.map((answer) => answer.content)).toEqual([
      'First.',
      'Second.',
      'Fake answer to: What is up?',
    ]);
    expect(answers[0]?.model).toBe('fake-chat-model');
    expect(model.prompts).toEqual([ask, ask, ask]);
  });

  it('streams word tokens through the per-token callback, then one done', async () => {
    const seenByCallback: string[] = [];
    const model = new FakeChatModel({ replies: ['One two three.'] });
    model.onToken = (token) => {
      seenByCallback.push(token);
    };

    const { seen } = await drain(model.stream(ask));

    expect(seen).toEqual([
      { type: 'delta', text: 'One' },
      { type: 'delta', text: ' two' },
      { type: 'delta', text: ' three.' },
      {
        type: 'done',
        model: 'fake-chat-model',
        usage: { promptTokens: 3, completionTokens: 3, totalTokens: 6 },
        finishReason: 'stop',
      },
    ]);
    expect(seenByCallback).toEqual(['One', ' two', ' three.']);
  });

  it('fails after N tokens, once', async () => {
    const model = new FakeChatModel({ replies: ['a b c d', 'e f'] }).failWith(new Error('boom'), {
      afterTokens: 2,
    });

    const first = await drain(model.stream(ask));
    const second = await drain(model.stream(ask));

    expect(first.seen.map((event) => event.type === 'delta' && event.text)).toEqual(['a', ' b']);
    expect(first.failure).toEqual(new Error('boom'));
    expect(second.failure).toBeUndefined();
    expect(model.calls[0]?.tokens).toEqual(['a', ' b']);
  });

  it('fails a buffered call at once', async () => {
    const model = new FakeChatModel().failWith(new Error('down'));

    await expect(model.complete(ask)).rejects.toThrow('down');
  });

  it("stops with the signal's reason when the caller aborts", async () => {
    const controller = new AbortController();
    const model = new FakeChatModel({ replies: ['a b c d'] });
    model.onToken = (_token, index) => {
      if (index === 1) controller.abort();
    };

    const { seen, failure } = await drain(model.stream(ask, { signal: controller.signal }));

    expect(seen).toHaveLength(1);
    expect(failure).toMatchObject({ name: 'AbortError' });
    expect(model.calls[0]?.aborted).toBe(true);
  });

  it('stops a reply at maxTokens, like a real model, and reports the tokens it sent', async () => {
    const model = new FakeChatModel({ defaultReply: 'One two three four five.' });

    const { seen } = await drain(model.stream(ask, { maxTokens: 2 }));

    expect(seen.filter((event) => event.type === 'delta')).toHaveLength(2);
    expect(seen.at(-1)).toMatchObject({ type: 'done', usage: { completionTokens: 2 } });
  });
});
