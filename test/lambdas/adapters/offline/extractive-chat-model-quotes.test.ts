/**
 * The offline model "answers by quoting" the passages the prompt builder put in the prompt:
 * as they are written (the builder escapes no entity, so `&lt;` in a passage is its own), and
 * never half a character.
 */
import { describe, expect, it } from 'vitest';
import { ExtractiveChatModel } from '../../../../lambdas/adapters/offline/extractive-chat-model.js';
import { buildPrompt } from '../../../../lambdas/core/chat/build-prompt.js';
import type { ScoredChunk } from '../../../../lambdas/core/ports/vector-store.js';

const chunk = (text: string): ScoredChunk => ({
  documentId: 'd1',
  title: 'HTML basics',
  chunkIndex: 0,
  text,
  score: 1,
});

describe('ExtractiveChatModel quotes only what the passages say', () => {
  it('quotes a passage that writes an HTML entity as the passage writes it', async () => {
    // Arrange
    const passage =
      'In HTML you write a less-than sign as &lt; inside text, never as a bare character.';
    const prompt = buildPrompt({
      question: 'How do I write a less-than sign in HTML?',
      history: [],
      chunks: [chunk(passage)],
    });

    // Act
    const { content } = await new ExtractiveChatModel().complete(prompt);

    // Assert
    expect(content).toContain(passage);
  });

  it('never cuts a character in two when it quotes the start of a passage', async () => {
    // Arrange: a passage with no prose sentence (a code block), so the fallback quotes its
    // first 300 code units; the 300th is the first half of an emoji.
    const passage = `\`\`\`txt\n${'😀'.repeat(200)}\n\`\`\``;
    const prompt = buildPrompt({
      question: 'Which emoji are listed?',
      history: [],
      chunks: [chunk(passage)],
    });

    // Act
    const { content } = await new ExtractiveChatModel().complete(prompt);

    // Assert: every character is whole (no lone surrogate).
    expect(content.isWellFormed()).toBe(true);
  });
});
