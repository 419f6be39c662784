import { createHash } from 'node:crypto';
import type { HtmlReferenceLoader } from '../ports/html-references.js';
import type { PdfReader } from '../ports/pdf-reader.js';
import { HttpProblem } from '../problem.js';
import { isBlank } from '../text/whitespace.js';
import {
  isPaged,
  resolveContentType,
  SUPPORTED_CONTENT_TYPES,
  type SupportedContentType,
} from './content-types.js';
import { utf8Slices } from './decode-text.js';
import { mayHoldText } from './extract-text.js';

/** A file as any source hands it over: the API's multipart part, an uploaded or dropped object. */
export interface DocumentSource {
  bytes: Uint8Array;
  /** The declared media type, if any (parameters are ignored). */
  contentType?: string;
  /** Decides the type when the media type says nothing (`application/octet-stream`). */
  fileName?: string;
}

/** The text of one page of a paged document; `page` counts from 1. */
export interface ExtractedPage {
  page: number;
  text: string;
}

/**
 * A document whose text can be indexed. `textHash` (SHA-256, hex) identifies its text: two
 * files with the same text have the same hash, whatever else differs in their bytes. Paged
 * formats (PDF) come with their `pages`, read here once; text formats are read by the indexer
 * (under its CPU budget), so their hash is that of their text in UTF-8 without a byte order
 * mark: a UTF-8 file's bytes less the mark it may open with (the text decoded leaves it out),
 * a UTF-16 file's text encoded as UTF-8, so the same text saved with or without a mark, in
 * UTF-8 or in UTF-16, has one hash.
 */
export interface ExtractedDocument {
  ok: true;
  contentType: SupportedContentType;
  textHash: string;
  pages?: ExtractedPage[];
}

/** Why a file cannot be indexed, as a machine-readable reason and a sentence for its owner. */
export type ExtractionFailureReason =
  | 'unsupported-type'
  | 'unreadable'
  | 'empty'
  | 'encrypted'
  | 'no-text'
  | 'malformed'
  | 'too-many-pages'
  | 'too-much-text';

/** A file that cannot be indexed (see {@link ExtractionFailureReason}). */
export interface ExtractionFailure {
  ok: false;
  reason: ExtractionFailureReason;
  detail: string;
}

/** Dependencies of {@link extractDocument}. */
export interface ExtractionReaders {
  pdf: PdfReader;
  /** The decoder of HTML's character references, loaded when an HTML document is read. */
  htmlReferences: HtmlReferenceLoader;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The hash of a text document's text: that of its UTF-8 bytes (see {@link ExtractedDocument}). */
const textHashOf = (bytes: Uint8Array): string => {
  const hash = createHash('sha256');
  for (const slice of utf8Slices(bytes)) hash.update(slice);
  return hash.digest('hex');
};

/** Page texts with runs of spaces and tabs collapsed and blank lines dropped. */
const tidyPage = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');

/** The hash of a paged document's text: its pages joined by form feeds, so page breaks count. */
export const pagedTextHash = (pages: readonly ExtractedPage[]): string =>
  sha256(pages.map((page) => page.text).join('\f'));

const fail = (reason: ExtractionFailureReason, detail: string): ExtractionFailure => ({
  ok: false,
  reason,
  detail,
});

/**
 * The most pages of a PDF that are read. pdf.js finds a page of a flat page tree by walking
 * the tree, so reading grows with the square of the page count: 4 000 pages of 75 bytes (300 KB)
 * took 3.3 s, 8 000 took 13 s, and the 28 000 that fit in 2 MiB would take minutes.
 */
export const MAX_PDF_PAGES = 5_000;

/** What the 20 000 chunks a document may make can hold, about: the hard cap of a PDF's text. */
export const MAX_PDF_TEXT_CHARS = 32_000_000;

/**
 * The most text a PDF may hold, in characters, by its size in bytes: twenty characters a byte
 * (text PDFs hold a few; their fonts and structure weigh more than their text), at least a
 * million, and at most what {@link MAX_PDF_TEXT_CHARS} allows. Content streams are compressed
 * and pages may share one, so a PDF of 16 KB can hold megabytes of text on every page: read and
 * stored in the upload request, it took the function's memory.
 *
 * @example
 * pdfTextLimit(16_000); // 1_000_000
 */
export const pdfTextLimit = (bytes: number): number =>
  Math.min(MAX_PDF_TEXT_CHARS, Math.max(1_000_000, 20 * bytes));

const readPdf = async (
  bytes: Uint8Array,
  pdf: PdfReader,
  signal?: AbortSignal,
): Promise<ExtractedDocument | ExtractionFailure> => {
  if (!Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-')) {
    return fail('malformed', 'The file is not a PDF: it has no %PDF- header');
  }
  const read = await pdf.readPages(bytes, {
    maxPages: MAX_PDF_PAGES,
    maxChars: pdfTextLimit(bytes.length),
    ...(signal ? { signal } : {}),
  });
  if (!read.ok) {
    return fail(
      read.reason,
      read.reason === 'encrypted'
        ? 'The PDF is encrypted (password protected); upload a copy without a password'
        : read.reason === 'too-many-pages'
          ? `${read.detail}; split it into files of at most ${MAX_PDF_PAGES} pages`
          : read.reason === 'too-much-text'
            ? `${read.detail}, more than a file of ${bytes.length} bytes may hold (${pdfTextLimit(bytes.length)}); split it into smaller files`
            : `The PDF cannot be read: ${read.detail}`,
    );
  }
  const pages = read.pages.map((text, index) => ({ page: index + 1, text: tidyPage(text) }));
  if (pages.every((page) => isBlank(page.text))) {
    return fail(
      'no-text',
      `The PDF's ${pages.length} page${pages.length === 1 ? ' has' : 's have'} no text layer (scanned images?); run OCR on it and upload the result`,
    );
  }
  return { ok: true, contentType: 'application/pdf', textHash: pagedTextHash(pages), pages };
};

/**
 * Reads a file from any source into what indexing needs: its supported type, the hash of its
 * text and, for a PDF, the text of every page; or a typed reason why it cannot be indexed
 * (unsupported type, neither UTF-8 text nor UTF-16 text opening with its byte order mark,
 * empty, an encrypted, image-only or malformed PDF).
 * Failures are answers, never exceptions, so each caller decides what they become (a 4xx
 * problem at upload, a `failed` document for an object that arrived in the bucket).
 *
 * @example
 * await extractDocument({ bytes, contentType: 'application/pdf', fileName: 'guide.pdf' }, { pdf })
 * // { ok: true, contentType: 'application/pdf', textHash: '9f2c…', pages: [{ page: 1, text: '…' }, …] }
 */
export const extractDocument = async (
  source: DocumentSource,
  readers: ExtractionReaders,
  options: { signal?: AbortSignal } = {},
): Promise<ExtractedDocument | ExtractionFailure> => {
  const contentType = resolveContentType(source.contentType, source.fileName);
  if (!contentType) {
    return fail(
      'unsupported-type',
      `Files of type ${source.contentType || 'unknown'} are not supported; send ${SUPPORTED_CONTENT_TYPES.join(', ')}`,
    );
  }
  if (isPaged(contentType)) return readPdf(source.bytes, readers.pdf, options.signal);
  const references = contentType === 'text/html' ? await readers.htmlReferences.load() : undefined;
  try {
    if (!mayHoldText(source.bytes, contentType, references)) {
      return fail('empty', 'The document holds no text to index');
    }
  } catch (error) {
    return fail('unreadable', error instanceof HttpProblem ? error.detail : String(error));
  }
  return { ok: true, contentType, textHash: textHashOf(source.bytes) };
};

/**
 * The 4xx problem an upload request answers for a file that cannot be indexed: 415 for an
 * unsupported type, 422 otherwise, with the reason as the problem type.
 *
 * @example
 * extractionProblem({ ok: false, reason: 'encrypted', detail: '…' }).status // 422
 */
export const extractionProblem = (failure: ExtractionFailure): HttpProblem =>
  failure.reason === 'unsupported-type'
    ? new HttpProblem(415, { detail: failure.detail })
    : new HttpProblem(422, {
        type:
          failure.reason === 'empty'
            ? 'urn:problem:empty-document'
            : failure.reason === 'unreadable'
              ? 'urn:problem:unreadable-document'
              : `urn:problem:pdf-${failure.reason}`,
        detail: failure.detail,
      });
