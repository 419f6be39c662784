import { describe, expect, it } from 'vitest';
import { historyWindow } from '../../../../lambdas/core/chat/history-window.js';
import type { StoredMessage } from '../../../../lambdas/core/ports/session-store.js';

/** A session's messages, newest first, from contents given oldest first (question first). */
const newestFirst = (contents: string[]): StoredMessage[] =>
  contents
    .map(
      (content, index): StoredMessage => ({
        id: `m${index}`,
        role: index % 2 === 0 ? 'user' : 'assistant',
        content,
        createdAt: `2026-01-01T00:00:${String(index).padStart(2, '0')}.000Z`,
      }),
    )
    .reverse();

const contents = (messages: StoredMessage[]) => messages.map((message) => message.content);

describe('historyWindow', () => {
  it('keeps the newest whole turns that fit, oldest first', () => {
    const messages = newestFirst(['q1', 'a1', 'q2', 'a2', 'q3', 'a3']);

    expect(contents(historyWindow(messages, 20))).toEqual(['q2', 'a2', 'q3', 'a3']);
  });

  it('never keeps an answer without its question', () => {
    const messages = newestFirst(['q1', 'a1', `q2 ${'long words '.repeat(40)}`, 'a2']);

    const window = historyWindow(messages, 40);

    expect(window.length).toBeGreaterThan(0);
    expect(
      window.every(
        (message, index) => message.role === 'user' || window[index - 1]?.role === 'user',
      ),
    ).toBe(true);
  });

  it('keeps the newest turn cut to fit, its question first, when it alone is over the budget', () => {
    const answer = `Declare it with braces. ${'More detail about it. '.repeat(60)}`;
    const messages = newestFirst(['q1', 'a1', 'How do I declare a path parameter?', answer]);

    const window = historyWindow(messages, 100);

    expect(contents(window)[0]).toBe('How do I declare a path parameter?');
    expect(contents(window)[1]).toMatch(/^Declare it with braces\. .* …$/);
    expect(contents(window)[1]!.length).toBeLessThan(answer.length);
  });

  it('sends nothing when the budget is zero', () => {
    expect(historyWindow(newestFirst(['q1', 'a1']), 0)).toEqual([]);
  });
});
