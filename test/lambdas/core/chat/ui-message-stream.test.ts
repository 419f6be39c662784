import { describe, expect, it } from 'vitest';
import { toSources } from '../../../../lambdas/core/chat/to-sources.js';
import { citationTitle, sourcePart } from '../../../../lambdas/core/chat/ui-message-stream.js';

const chunk = {
  documentId: '0b4e7c1a-3f5d-4e2b-9a61-2d8f0c9e7b13',
  title: 'guide.pdf',
  chunkIndex: 4,
  text: 'Rotate the keys every ninety days.',
  score: 0.81234,
};

describe('citationTitle', () => {
  it('adds the page to the title of a paged document', () => {
    expect(citationTitle({ title: 'guide.pdf', page: 12 })).toBe('guide.pdf, p. 12');
  });

  it('keeps the title of a document without pages', () => {
    expect(citationTitle({ title: 'Guide' })).toBe('Guide');
  });
});

describe('sourcePart', () => {
  it('titles a PDF passage with its page and carries the page in the rag metadata', () => {
    const [source] = toSources([{ ...chunk, page: 12 }]);

    const part = sourcePart(source!);

    expect(part).toMatchObject({
      type: 'source-document',
      title: 'guide.pdf, p. 12',
      providerMetadata: { rag: { page: 12, chunkIndex: 4 } },
    });
  });

  it('leaves the page out for a passage of a text document', () => {
    const [source] = toSources([chunk]);

    const part = sourcePart(source!);

    expect(part).toMatchObject({ title: 'guide.pdf' });
    expect(source).not.toHaveProperty('page');
  });
});
