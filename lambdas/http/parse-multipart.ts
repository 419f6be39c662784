import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { HttpProblem } from '../core/problem.js';
import { documentTooLarge } from './document-too-large.js';
import type { HttpEvent } from './http-types.js';

/** A file part of a multipart body. */
export interface MultipartFile {
  filename: string;
  mimetype: string;
  content: Buffer;
}

/** Limits of {@link parseMultipart}. */
export interface MultipartLimits {
  fileSize: number;
  files: number;
  fields: number;
  fieldSize: number;
}

const malformed = (
  cause?: unknown,
  detail = 'The request body is not a valid multipart/form-data upload',
) => new HttpProblem(400, { type: 'urn:problem:malformed-multipart', detail, cause });

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * A file name as its user wrote it: browsers send `"`, CR and LF in a part's `filename` as
 * `%22`, `%0D` and `%0A` (the HTML standard's multipart/form-data encoding), which busboy
 * leaves as they are, so a file named `say "hi".md` was titled `say %22hi%22.md`.
 */
const unescapeFilename = (filename: string) =>
  filename.replace(/%(22|0D|0A)/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );

/**
 * Parses a `multipart/form-data` API Gateway body (base64 or text) into its fields and files,
 * answering 413 for a file over `limits.fileSize` and 400 for anything malformed: more files,
 * fields or parts than `limits` allow, a field over `limits.fieldSize`, or a name given twice
 * (nothing is dropped or overwritten without a word).
 *
 * Written by hand on busboy because `@middy/http-multipart-body-parser` (7.9) attaches no
 * error handler to the file streams: a body cut before its closing boundary throws an
 * uncaught error and takes the whole process down.
 *
 * @example
 * const { fields, files } = await parseMultipart(event, { fileSize: 2_097_152, files: 1, fields: 8, fieldSize: 65_536 });
 */
export const parseMultipart = (
  event: Pick<HttpEvent, 'body' | 'isBase64Encoded' | 'headers'>,
  limits: MultipartLimits,
): Promise<{ fields: Record<string, string>; files: Record<string, MultipartFile> }> =>
  new Promise((resolve, reject) => {
    const fields: Record<string, string> = Object.create(null);
    const files: Record<string, MultipartFile> = Object.create(null);
    let failed = false;
    const fail = (error: HttpProblem) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const parts = limits.files + limits.fields;
    let parser: BusboyInstance;
    try {
      parser = Busboy({
        headers: { 'content-type': event.headers['content-type'] ?? '' },
        limits: { ...limits, parts, fieldNameSize: 100 },
      });
    } catch (error) {
      fail(malformed(error));
      return;
    }
    const names = new Set<string>();
    /** Whether `name` is new to the form; a repeated one fails the parse. */
    const firstUseOf = (name: string) => {
      if (names.has(name)) {
        fail(malformed(undefined, `The form repeats the field ${name}`));
        return false;
      }
      names.add(name);
      return true;
    };
    const pending: Promise<void>[] = [];
    parser.on('file', (name, stream, filename, _encoding, mimetype) => {
      if (!firstUseOf(name)) {
        stream.resume();
        return;
      }
      pending.push(
        new Promise<void>((done) => {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', (error: Error) => {
            fail(malformed(error));
            done();
          });
          stream.on('end', () => {
            if (stream.truncated) {
              fail(documentTooLarge(limits.fileSize));
            } else {
              files[name] = {
                filename: unescapeFilename(filename),
                mimetype,
                content: Buffer.concat(chunks),
              };
            }
            done();
          });
        }),
      );
    });
    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) {
        fail(malformed(undefined, `The field ${name} is longer than ${limits.fieldSize} bytes`));
      } else if (firstUseOf(name)) {
        fields[name] = value;
      }
    });
    const overLimit = (what: string) => () =>
      fail(malformed(undefined, `The form has more than ${what}`));
    parser.on('filesLimit', overLimit(plural(limits.files, 'file')));
    parser.on('fieldsLimit', overLimit(plural(limits.fields, 'field')));
    parser.on('partsLimit', overLimit(plural(parts, 'part')));
    parser.on('error', (error: Error) => fail(malformed(error)));
    parser.on('finish', () => {
      void Promise.all(pending).then(() => {
        if (!failed) resolve({ fields, files });
      });
    });
    try {
      parser.end(Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'));
    } catch (error) {
      fail(malformed(error));
    }
  });
