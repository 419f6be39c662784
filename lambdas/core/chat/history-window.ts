import type { StoredMessage } from '../ports/session-store.js';
import { estimateTokens } from '../text/estimate-tokens.js';

/**
 * Picks the most recent messages that fit in a token budget and returns them oldest first.
 * The window is bounded by tokens, not by a message count, so one long message cannot push
 * the prompt over the model's limit.
 *
 * @example
 * historyWindow(newestFirst, 2_000) // the latest messages whose estimated tokens sum ≤ 2 000
 */
export const historyWindow = (
  newestFirst: StoredMessage[],
  tokenBudget: number,
): StoredMessage[] => {
  const window: StoredMessage[] = [];
  let used = 0;
  for (const message of newestFirst) {
    const cost = estimateTokens(message.content) + 4;
    if (used + cost > tokenBudget) break;
    used += cost;
    window.push(message);
  }
  return window.reverse();
};
