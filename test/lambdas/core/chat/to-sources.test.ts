import { describe, expect, it } from 'vitest';
import { toSources } from '../../../../lambdas/core/chat/to-sources.js';

const chunk = (text: string) => ({
  documentId: '0b4e7c1a-3f5d-4e2b-9a61-2d8f0c9e7b13',
  title: 'Guide',
  chunkIndex: 0,
  text,
  score: 0.5,
});

/** Whether a string holds half of a surrogate pair on its own. */
const hasLoneSurrogate = (text: string) =>
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('toSources', () => {
  it('cuts a long passage to a snippet on a word boundary', () => {
    const [source] = toSources([chunk(`${'word '.repeat(100)}end`)]);

    expect(source?.snippet).toMatch(/^word( word)*…$/);
    expect(source?.snippet.length).toBeLessThanOrEqual(241);
  });

  it('never ends a snippet in half of an emoji', () => {
    const [source] = toSources([chunk(`a${'😀'.repeat(200)}`)]);

    expect(hasLoneSurrogate(source?.snippet ?? '')).toBe(false);
  });
});
