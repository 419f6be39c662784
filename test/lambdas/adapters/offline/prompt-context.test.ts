import { describe, expect, it } from 'vitest';
import { plainSentences } from '../../../../lambdas/adapters/offline/plain-sentences.js';
import { readPromptContext } from '../../../../lambdas/adapters/offline/prompt-context.js';

describe('readPromptContext', () => {
  it('reads numbered sources and the question from the last user message', () => {
    const context = readPromptContext([
      { role: 'system', content: 'Rules.' },
      {
        role: 'user',
        content:
          '<context>\n<source id="9" title="Old">\nold\n</source>\n</context>\n\nQuestion: old?',
      },
      { role: 'assistant', content: 'Old answer.' },
      {
        role: 'user',
        content:
          '<context>\n<source id="1" title="A & B">\nFirst text.\n</source>\n<source id="2" title="C">\nSecond.\n</source>\n</context>\n\nQuestion: What is A?',
      },
    ]);

    expect(context).toEqual({
      sources: [
        { id: '1', title: 'A & B', text: 'First text.' },
        { id: '2', title: 'C', text: 'Second.' },
      ],
      question: 'What is A?',
    });
  });

  it('takes the question from the lines after a bare "Question:" line', () => {
    const context = readPromptContext([
      {
        role: 'user',
        content: '<context>\nNo passage is relevant.\n</context>\nQuestion:\nWhy\nnot?',
      },
    ]);

    expect(context).toEqual({ sources: [], question: 'Why\nnot?' });
  });

  it('takes the whole message as the question when there is no marker', () => {
    expect(readPromptContext([{ role: 'user', content: 'Just asking.' }])).toEqual({
      sources: [],
      question: 'Just asking.',
    });
  });
});

describe('plainSentences', () => {
  it('keeps the prose sentences of Markdown, without its markup', () => {
    const markdown = [
      '# Title { #title }',
      '',
      'First **bold** sentence. Then a [link](https://example.com) here!',
      '',
      '```python',
      'code = True',
      '```',
      '',
      '/// tip',
      '',
      '* A list item with `code`',
      '',
      '///',
    ].join('\n');

    expect(plainSentences(markdown)).toEqual([
      'First bold sentence.',
      'Then a link here!',
      'A list item with `code`',
    ]);
  });
});
