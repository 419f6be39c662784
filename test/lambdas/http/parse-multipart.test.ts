import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../lambdas/core/problem.js';
import { type MultipartLimits, parseMultipart } from '../../../lambdas/http/parse-multipart.js';

const LIMITS: MultipartLimits = { fileSize: 1_000, files: 1, fields: 2, fieldSize: 20 };

/** The body and content type a browser sends for `form`. */
const encode = async (form: FormData) => {
  const request = new Request('http://local/', { method: 'POST', body: form });
  return {
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
    body: Buffer.from(await request.arrayBuffer()).toString('base64'),
    isBase64Encoded: true,
  };
};

type Part = [name: string, value: string | Blob, fileName?: string];

const formOf = (parts: Part[]) => {
  const form = new FormData();
  for (const [name, value, fileName] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, fileName);
  }
  return form;
};

const markdown = (text: string) => new Blob([text], { type: 'text/markdown' });

/** The problem `parseMultipart` rejects with. */
const refusal = async (form: FormData): Promise<HttpProblem> => {
  const error: unknown = await parseMultipart(await encode(form), LIMITS).catch((e) => e);
  if (!(error instanceof HttpProblem)) throw new Error(`Expected a problem, got ${error}`);
  return error;
};

describe('parseMultipart', () => {
  it('gives each field and file of a form within its limits', async () => {
    const form = formOf([
      ['file', markdown('# Notes'), 'notes.md'],
      ['title', 'Notes'],
    ]);

    const { fields, files } = await parseMultipart(await encode(form), LIMITS);

    expect({ ...fields }).toEqual({ title: 'Notes' });
    expect(files.file).toMatchObject({ filename: 'notes.md', mimetype: 'text/markdown' });
    expect(files.file?.content.toString()).toBe('# Notes');
  });

  it('gives a file name as the user named it, undoing the escapes browsers send', async () => {
    const form = formOf([['file', markdown('# Notes'), 'say "hi"\r\nnow.md']]);

    const { files } = await parseMultipart(await encode(form), LIMITS);

    expect(files.file?.filename).toBe('say "hi"\r\nnow.md');
  });

  it.each<[string, Part[], string]>([
    [
      'a second file',
      [
        ['file', markdown('# One'), 'one.md'],
        ['other', markdown('# Two'), 'two.md'],
      ],
      'The form has more than 1 file',
    ],
    [
      'more fields than allowed',
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
      'The form has more than 2 fields',
    ],
    [
      'more parts than files and fields together',
      [
        ['file', markdown('# One'), 'one.md'],
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
      'The form has more than 3 parts',
    ],
    [
      'a field over the size limit',
      [['title', 'x'.repeat(21)]],
      'The field title is longer than 20 bytes',
    ],
    [
      'a repeated field',
      [
        ['title', 'First'],
        ['title', 'Second'],
      ],
      'The form repeats the field title',
    ],
    [
      'a field and a file of the same name',
      [
        ['file', 'not a file'],
        ['file', markdown('# One'), 'one.md'],
      ],
      'The form repeats the field file',
    ],
  ])('refuses a form with %s as a malformed upload', async (_, parts, detail) => {
    const problem = await refusal(formOf(parts));

    expect(problem).toMatchObject({ status: 400, type: 'urn:problem:malformed-multipart', detail });
  });
});
