import type { StoredMessage } from '../ports/session-store.js';
import { estimateTokens } from '../text/estimate-tokens.js';
import { truncate } from '../text/truncate.js';

/** Tokens a message costs beyond its text (its role and framing in the request). */
const MESSAGE_OVERHEAD_TOKENS = 4;

const costOf = (message: StoredMessage) =>
  estimateTokens(message.content) + MESSAGE_OVERHEAD_TOKENS;

/** The session's turns, newest first: each an answer with the question before it. */
const turnsOf = (newestFirst: readonly StoredMessage[]): StoredMessage[][] => {
  const turns: StoredMessage[][] = [];
  for (let index = 0; index < newestFirst.length; index += 1) {
    const message = newestFirst[index]!;
    const previous = newestFirst[index + 1];
    if (message.role === 'assistant' && previous?.role === 'user') {
      turns.push([previous, message]);
      index += 1;
    } else {
      turns.push([message]);
    }
  }
  return turns;
};

/**
 * The head of a message that fits in `tokens` (estimated), or undefined when not even a few
 * words do: the text is cut in proportion, between user-perceived characters, and marked.
 */
const headOf = (message: StoredMessage, tokens: number): StoredMessage | undefined => {
  const room = tokens - MESSAGE_OVERHEAD_TOKENS - 1;
  if (room < 8) return undefined;
  let units = Math.floor((message.content.length * room) / estimateTokens(message.content));
  let head = truncate(message.content, units);
  while (head.length > 0 && estimateTokens(head) > room) {
    units = Math.floor(units * 0.9);
    head = truncate(message.content, units);
  }
  return head.length > 0 ? { ...message, content: `${head.trimEnd()} …` } : undefined;
};

/**
 * Picks the most recent turns that fit in a token budget and returns their messages oldest
 * first. Whole turns (a question with its answer): an answer is never sent without the question
 * it answers. The newest turn is always sent, if the budget holds a few words: cut to fit, its
 * question first, when it alone is over the budget (one long answer left the follow-up to it
 * with no conversation at all). The window is bounded by tokens, not by a message count, so one
 * long message cannot push the prompt over the model's limit.
 *
 * @example
 * historyWindow(newestFirst, 2_000) // the latest turns whose estimated tokens sum ≤ 2 000
 */
export const historyWindow = (
  newestFirst: StoredMessage[],
  tokenBudget: number,
): StoredMessage[] => {
  const window: StoredMessage[] = [];
  let used = 0;
  for (const turn of turnsOf(newestFirst)) {
    const cost = turn.reduce((sum, message) => sum + costOf(message), 0);
    if (used + cost <= tokenBudget) {
      used += cost;
      window.push(...turn.toReversed());
      continue;
    }
    if (window.length === 0) {
      let left = tokenBudget;
      const fitted: StoredMessage[] = [];
      for (const message of turn) {
        const kept = costOf(message) <= left ? message : headOf(message, left);
        if (!kept) break;
        fitted.push(kept);
        left -= costOf(kept);
      }
      window.push(...fitted.toReversed());
    }
    break;
  }
  return window.reverse();
};
