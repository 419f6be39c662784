import { describe, expect, it } from 'vitest';
import {
  conversationalQuery,
  isFollowUp,
} from '../../../../lambdas/core/retrieval/conversational-query.js';
import { termId } from '../../../../lambdas/core/retrieval/sparse-vector.js';

describe('isFollowUp', () => {
  it('reads a question that refers back or opens like a follow-up as one', () => {
    expect(isFollowUp('And how do I restrict it to a fixed set of values?')).toBe(true);
    expect(isFollowUp('What about for headers?')).toBe(true);
  });

  it.each([
    ['Chinese', '系统支持哪些文件格式上传，上传文件的大小限制是多少？'],
    [
      'Japanese',
      'システムはどのファイル形式のアップロードに対応していて、ファイルサイズの上限はいくつですか？',
    ],
  ])(
    'reads a long %s question, written without spaces, that stands alone as new',
    (_, question) => {
      expect(isFollowUp(question)).toBe(false);
    },
  );

  it('reads a long question that stands alone as new', () => {
    expect(isFollowUp('How do I declare path parameters with types in FastAPI?')).toBe(false);
  });
});

describe('conversationalQuery', () => {
  const previous = ['How do I declare a path parameter with a type?'];

  it('retrieves a follow-up with the previous question, its words weighing less', () => {
    const query = conversationalQuery(
      'And how do I restrict it to a fixed set of values?',
      previous,
      0.5,
    );

    expect(query.followUp).toBe(true);
    expect(query.denseText).toContain('path parameter');
    const weight = (term: string) =>
      query.lexical.values[query.lexical.indices.indexOf(termId(term))];
    expect(weight('path')).toBe(0.5);
    expect(weight('restrict')).toBe(1);
  });

  it('retrieves a question that stands alone on its own words', () => {
    const question = 'How do I send cookies with a response in FastAPI?';

    const query = conversationalQuery(question, previous, 0.5);

    expect(query).toMatchObject({ followUp: false, denseText: question });
    expect(query.lexical.indices).not.toContain(termId('path'));
  });

  it('uses no conversation when the weight is 0', () => {
    expect(conversationalQuery('What about headers?', previous, 0).followUp).toBe(false);
  });
});
