import { describe, expect, it } from 'vitest';
import {
  admonitionTitle,
  atxHeading,
  fenceOpening,
  isIncludeDirective,
  isThematicBreak,
  setextUnderline,
  withoutAttributes,
} from '../../../../lambdas/core/ingestion/markdown-lines.js';

describe('atxHeading', () => {
  it('reads the level and the title, without the closing run of #', () => {
    expect(atxHeading('## Path parameters ##  ')).toEqual({ level: 2, title: 'Path parameters' });
    expect(atxHeading('   # Indented')).toEqual({ level: 1, title: 'Indented' });
    expect(atxHeading('###')).toEqual({ level: 3, title: '' });
  });

  it('keeps a # that is part of the title', () => {
    expect(atxHeading('# C#')).toEqual({ level: 1, title: 'C#' });
    expect(atxHeading('# #')).toEqual({ level: 1, title: '#' });
  });

  it('is no heading without a space after the #, with seven #, or indented four spaces', () => {
    expect(atxHeading('#hashtag')).toBeUndefined();
    expect(atxHeading('####### seven')).toBeUndefined();
    expect(atxHeading('    # code')).toBeUndefined();
  });

  it('drops a trailing attribute block', () => {
    expect(atxHeading('## Recap { #recap }')).toEqual({ level: 2, title: 'Recap' });
  });

  it('reads the review input, a heading then 120 000 spaces, at once and whole', () => {
    const line = `# a${' '.repeat(120_000)}x`;

    expect(atxHeading(line)).toEqual({ level: 1, title: `a${' '.repeat(120_000)}x` });
  });

  it('reads a heading then a long run of " #" as a title, not as a closing sequence', () => {
    const line = `# a${' #'.repeat(50_000)}x`;

    expect(atxHeading(line)?.title).toBe(`a${' #'.repeat(50_000)}x`);
  });
});

describe('withoutAttributes', () => {
  it('removes ids, classes and key=value pairs at the end of a title', () => {
    expect(withoutAttributes('Recap { #recap .wide data-x=1 }')).toBe('Recap');
  });

  it('keeps braces that hold anything else', () => {
    expect(withoutAttributes('Sets {a, b}')).toBe('Sets {a, b}');
    expect(withoutAttributes('Empty {}')).toBe('Empty {}');
  });
});

describe('setextUnderline', () => {
  it('reads a run of = or - followed only by spaces', () => {
    expect(setextUnderline('===')).toBe('=');
    expect(setextUnderline('  ---  ')).toBe('-');
    expect(setextUnderline('=-=')).toBeUndefined();
  });

  it('reads a long run followed by text as no underline', () => {
    expect(setextUnderline(`${'='.repeat(100_000)} x`)).toBeUndefined();
  });
});

describe('isThematicBreak', () => {
  it('accepts three or more of one of - * _ with spaces between', () => {
    expect(isThematicBreak('***')).toBe(true);
    expect(isThematicBreak(' - - -')).toBe(true);
    expect(isThematicBreak('--')).toBe(false);
    expect(isThematicBreak('-*-')).toBe(false);
  });

  it('rejects a long run of "- " that ends with text', () => {
    expect(isThematicBreak(`${'- '.repeat(100_000)}x`)).toBe(false);
  });
});

describe('fenceOpening', () => {
  it('reads the character and length of a backtick or tilde fence', () => {
    expect(fenceOpening('```python')).toEqual({ char: '`', length: 3 });
    expect(fenceOpening('  ~~~~')).toEqual({ char: '~', length: 4 });
    expect(fenceOpening('``')).toBeUndefined();
    expect(fenceOpening('    ```')).toBeUndefined();
  });
});

describe('isIncludeDirective', () => {
  it('recognises a documentation include directive', () => {
    expect(isIncludeDirective('{* ../../docs_src/python_types/tutorial001_py310.py hl[2] *}')).toBe(
      true,
    );
    expect(isIncludeDirective('new_dict = {**old_dict, "new key": "new value"}')).toBe(false);
  });
});

describe('admonitionTitle', () => {
  it('gives the title of an admonition fence, or an empty one', () => {
    expect(admonitionTitle('/// note | Technical Details')).toBe('Technical Details');
    expect(admonitionTitle('//// tab | Python 3.10+')).toBe('Python 3.10+');
    expect(admonitionTitle('/// tip')).toBe('');
    expect(admonitionTitle('///')).toBe('');
    expect(admonitionTitle('////')).toBe('');
  });

  it('is undefined for other lines that start with slashes', () => {
    expect(admonitionTitle('// a comment')).toBeUndefined();
    expect(admonitionTitle('///path/to/file')).toBeUndefined();
    expect(admonitionTitle('/// 42 things')).toBeUndefined();
  });
});
