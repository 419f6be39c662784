import { describe, expect, it } from 'vitest';
import {
  disambiguatedTitle,
  looksDisambiguated,
} from '../../../../lambdas/core/ingestion/disambiguated-title.js';

describe('disambiguatedTitle', () => {
  it('gives the same readable form of two distinct names two titles', () => {
    expect(disambiguatedTitle('notes.md', 'notes .md', 300)).not.toBe(
      disambiguatedTitle('notes.md', 'notes  .md', 300),
    );
  });

  it('fits a long name into the characters allowed, keeping its start and its end', () => {
    const name = `start-${'x'.repeat(1_000)}-end.md`;

    const title = disambiguatedTitle(name, name, 300);

    expect(Array.from(title)).toHaveLength(300);
    expect(title).toMatch(/^start-x+…x+-end\.md #[0-9a-f]{16}$/);
  });

  it('ends the title in a way looksDisambiguated recognises', () => {
    expect(looksDisambiguated(disambiguatedTitle('a.md', 'a .md', 300))).toBe(true);
    expect(looksDisambiguated('a.md')).toBe(false);
  });
});
