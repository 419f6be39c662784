import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../../../lambdas/adapters/embedded/lexical-index.js';
import { passageVector, queryVector } from '../../../../lambdas/core/retrieval/sparse-vector.js';

describe('LexicalIndex', () => {
  it('ranks the passages sharing query terms, the one sharing the rarer term first', () => {
    const index = new LexicalIndex();
    index.add('cookies', passageVector('Read cookies with Cookie parameters.'));
    index.add('headers', passageVector('Read headers with Header parameters.'));
    index.add('paths', passageVector('Path operations.'));

    const found = index.search(queryVector('cookie parameters'), 10);

    expect(found.map(([id]) => id)).toEqual(['cookies', 'headers']);
  });

  it('returns at most the limit, best first', () => {
    const index = new LexicalIndex();
    for (const id of ['a', 'b', 'c'])
      index.add(id, passageVector(`cookie ${id === 'b' ? 'cookie' : ''}`));

    const found = index.search(queryVector('cookie'), 1);

    expect(found.map(([id]) => id)).toEqual(['b']);
  });

  it('forgets a removed passage and reuses its place for the next one', () => {
    const index = new LexicalIndex();
    const old = passageVector('cookie');
    index.add('old', old);
    index.add('other', passageVector('header'));
    index.remove('old', old);
    index.add('new', passageVector('cookie cookie'));

    const found = index.search(queryVector('cookie'), 10);

    expect(found.map(([id]) => id)).toEqual(['new']);
    expect(index.size).toBe(2);
  });

  it('scores a second query from zero, not on top of the first', () => {
    const index = new LexicalIndex();
    index.add('a', passageVector('cookie header'));
    index.add('b', passageVector('path'));

    const first = index.search(queryVector('cookie'), 10);
    const second = index.search(queryVector('cookie'), 10);

    expect(second).toEqual(first);
  });
});
