import { describe, expect, it } from 'vitest';
import { NO_CONTEXT_NOTE } from '../../../../lambdas/core/chat/build-prompt.js';
import {
  DEFAULT_RETRIEVAL,
  retrievePassages,
} from '../../../../lambdas/core/retrieval/retrieve-passages.js';
import { offlineRetrievalFixture } from '../../../support/offline-retrieval-fixture.js';

const setup = offlineRetrievalFixture;

describe('retrievePassages judging a follow-up', () => {
  const retrieve = async (question: string) => {
    const { embedder, vectors } = await setup();
    return retrievePassages(
      { embedder, vectors },
      { ...DEFAULT_RETRIEVAL, topK: 2, minScore: -1 },
      {
        tenantId: 'tenant-a',
        question,
        previousQuestions: ['How do I restrict a path parameter to a fixed set of values?'],
      },
    );
  };

  it('cites the passages of a follow-up whose own words say nothing, read with the question it follows', async () => {
    const retrieval = await retrieve('Why?');

    expect(retrieval.followUp).toBe(true);
    expect(retrieval.abstained).toBe(false);
    expect(retrieval.chunks[0]?.title).toBe('path-params.md');
  });

  it('still abstains on a follow-up about something the documents never name', async () => {
    const retrieval = await retrieve('And what about Kafka?');

    expect(retrieval.followUp).toBe(true);
    expect(retrieval.abstained).toBe(true);
  });

  it('answers the follow-up in a chat with the passages the conversation retrieves', async () => {
    const { useCase, model } = await setup();
    const first = await useCase.answer({
      tenantId: 'tenant-a',
      message: 'How do I restrict a path parameter to a fixed set of values?',
    });

    const followUp = await useCase.answer({
      tenantId: 'tenant-a',
      sessionId: first.sessionId,
      message: 'Why?',
    });

    expect(followUp.message.sources.map((source) => source.title)).toContain('path-params.md');
    expect(model.prompts.at(-1)!.at(-1)!.content).not.toContain(NO_CONTEXT_NOTE);
  });
});
