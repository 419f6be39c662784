import { afterEach, describe, expect, it, vi } from 'vitest';
import { segmenterOnFirstUse } from '../../../../lambdas/core/text/segmenter-on-first-use.js';

/** Counts the segmenters built while `Intl.Segmenter` is spied on. */
const spySegmenters = () => vi.spyOn(Intl, 'Segmenter');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('segmenterOnFirstUse', () => {
  it('builds no segmenter until it is asked for one', () => {
    const built = spySegmenters();

    segmenterOnFirstUse('word');

    expect(built).not.toHaveBeenCalled();
  });

  it('builds a segmenter of the granularity on the first call and keeps it', () => {
    const built = spySegmenters();
    const graphemes = segmenterOnFirstUse('grapheme');

    const first = graphemes();
    const second = graphemes();

    expect(second).toBe(first);
    expect(built).toHaveBeenCalledTimes(1);
    expect(first.resolvedOptions().granularity).toBe('grapheme');
  });
});

describe('The text and retrieval modules', () => {
  const importFresh = async () => {
    vi.resetModules();
    const [truncate, lexical, words, clusters] = await Promise.all([
      import('../../../../lambdas/core/text/truncate.js'),
      import('../../../../lambdas/core/retrieval/lexical-terms.js'),
      import('../../../../lambdas/core/text/words.js'),
      import('../../../../lambdas/core/text/grapheme-cluster.js'),
    ]);
    return { ...truncate, ...lexical, ...words, ...clusters };
  };

  it('build no segmenter when imported (a cold start loads no ICU break data)', async () => {
    const built = spySegmenters();

    await importFresh();

    expect(built).not.toHaveBeenCalled();
  });

  it('truncate English text and take its lexical terms without a segmenter', async () => {
    const { truncate, lexicalTerms } = await importFresh();
    const segmented = vi.spyOn(Intl.Segmenter.prototype, 'segment');
    const built = spySegmenters();

    const cut = truncate('Path parameters are declared in the path with braces.', 20);
    const terms = lexicalTerms('How are path parameters declared?');

    expect(cut).toBe('Path parameters are ');
    expect(terms).toEqual(['path', 'parameter', 'declar']);
    expect(built).not.toHaveBeenCalled();
    expect(segmented).not.toHaveBeenCalled();
  });

  it('build their segmenter when a text needs one (Thai words)', async () => {
    const { lexicalTerms } = await importFresh();
    const built = spySegmenters();

    const terms = lexicalTerms('สวัสดีครับ');

    expect(terms.length).toBeGreaterThan(0);
    expect(built).toHaveBeenCalledTimes(1);
  });
});
