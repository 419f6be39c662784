import { SUPPORTED_CONTENT_TYPES } from '../ingestion/content-types.js';
import { disambiguatedTitle } from '../ingestion/disambiguated-title.js';
import { documentTitle } from '../ingestion/document-title.js';
import { repeatedMember } from '../text/repeated-member.js';
import { isBlank } from '../text/whitespace.js';
import { described, integer, pageOf, queryInteger } from './common.js';
import * as z from './zod-mini.js';

/** Longest document title, in characters. */
export const MAX_TITLE_CHARS = 300;

/** Most metadata entries a document may carry. */
export const MAX_METADATA_ENTRIES = 32;

/** A document title as clients send it. */
export const titleSchema = described(
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(MAX_TITLE_CHARS),
    z.refine((title: string) => !isBlank(title), 'The title shows nothing'),
  ),
  { description: 'Uploading the same title again creates a new version of the same document.' },
);

/**
 * Metadata keys refused because they name members of every JavaScript object: stored as data
 * they are read as the object's own machinery (`__proto__` swaps the prototype, `constructor`
 * makes the DynamoDB marshaller reject the record after the upload is stored).
 */
export const RESERVED_METADATA_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

const metadataKey = z.string().check(
  z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'Use 1–64 letters, digits or _.:-'),
  z.refine((key: string) => !RESERVED_METADATA_KEYS.has(key), {
    error: (issue) => `${String(issue.input)} is a reserved name`,
  }),
);

/** Largest magnitude of a metadata number: the DynamoDB document client refuses larger ones. */
const MAX_METADATA_NUMBER = Number.MAX_SAFE_INTEGER;

/** Smallest non-zero magnitude of a metadata number: DynamoDB refuses smaller ones (underflow). */
const MIN_METADATA_NUMBER_MAGNITUDE = 1e-130;

const STORABLE_NUMBER = `Use 0 or a number whose magnitude is from ${MIN_METADATA_NUMBER_MAGNITUDE} to ${MAX_METADATA_NUMBER}`;

/**
 * A metadata number that DynamoDB stores exactly, so a valid upload never fails once stored:
 * the document client refuses magnitudes past `Number.MAX_SAFE_INTEGER` (integers or not) and
 * DynamoDB non-zero ones below 1e-130.
 */
const metadataNumber = described(
  z.number().check(
    z.minimum(-MAX_METADATA_NUMBER, STORABLE_NUMBER),
    z.maximum(MAX_METADATA_NUMBER, STORABLE_NUMBER),
    z.refine(
      (n: number) => n === 0 || Math.abs(n) >= MIN_METADATA_NUMBER_MAGNITUDE,
      STORABLE_NUMBER,
    ),
  ),
  { description: 'Zero, or a magnitude from 1e-130 to 2^53 − 1.' },
);

/** Free-form, flat metadata stored with a document and returned with it. */
export const documentMetadataSchema = described(
  z
    .record(
      metadataKey,
      z.union([z.string().check(z.maxLength(1_000)), metadataNumber, z.boolean()]),
      {
        // Name the reason a key is refused, not just "Invalid key in record".
        error: (issue) => (issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined),
      },
    )
    .check(
      z.refine(
        (metadata: Record<string, unknown>) => Object.keys(metadata).length <= MAX_METADATA_ENTRIES,
        {
          message: `At most ${MAX_METADATA_ENTRIES} entries`,
        },
      ),
    ),
  { id: 'DocumentMetadata', description: 'Flat key/value metadata.' },
);

/** JSON body of `POST /v1/documents`; the text is indexed as Markdown (plain prose is Markdown). */
export const uploadDocumentSchema = described(
  z.strictObject({
    title: titleSchema,
    text: described(
      z.string().check(z.refine((text: string) => !isBlank(text), 'The text is empty')),
      { description: 'The document, as Markdown or plain text.' },
    ),
    metadata: z.optional(documentMetadataSchema),
  }),
  { id: 'UploadDocument', description: 'A document to index, sent as JSON.' },
);

/** Multipart form of `POST /v1/documents`, as documented (the file is binary). */
export const uploadDocumentFormSchema = described(
  z.strictObject({
    file: described(z.string(), {
      format: 'binary',
      description: `The document: ${SUPPORTED_CONTENT_TYPES.join(', ')} (by media type or file extension).`,
    }),
    title: described(z.optional(titleSchema), { description: 'Defaults to the file name.' }),
    metadata: described(z.optional(z.string()), {
      description: 'A JSON object of flat metadata.',
    }),
  }),
  { id: 'UploadDocumentForm', description: 'A document to index, sent as a file upload.' },
);

/**
 * The title a file upload gets when the form names none: its file name, whitespace collapsed.
 * A name over {@link MAX_TITLE_CHARS} characters is shortened, with a hash of the whole name
 * ({@link disambiguatedTitle}), rather than refused, because the client chose it as a file
 * name, not as a title, and the file itself is fine; and rather than cut, since two names
 * alike up to the cut would replace each other's document. A `title` field over the limit is
 * refused like the JSON title, since the client wrote it as one.
 *
 * @example
 * titleFromFileName('  Release   notes.md ') // 'Release notes.md'
 */
export const titleFromFileName = (fileName: string): string => {
  const readable = documentTitle(fileName);
  return Array.from(readable).length <= MAX_TITLE_CHARS
    ? readable
    : disambiguatedTitle(readable, fileName.normalize('NFC'), MAX_TITLE_CHARS);
};

/** A file part as the multipart parser leaves it. */
export const uploadedFileSchema = z.object(
  {
    filename: z.string(),
    mimetype: z.string(),
    content: z.instanceof(Buffer),
  },
  'Expected one file',
);

/** Whether a parsed object's names or string values hold a lone surrogate (`"\\ud800"`). */
const hasLoneSurrogate = (parsed: unknown): boolean =>
  typeof parsed === 'object' &&
  parsed !== null &&
  Object.entries(parsed).some(
    ([name, value]) => !name.isWellFormed() || (typeof value === 'string' && !value.isWellFormed()),
  );

/** The multipart form of `POST /v1/documents` as parsed, checked at run time. */
export const parsedUploadFormSchema = z.strictObject({
  file: uploadedFileSchema,
  title: z.optional(titleSchema),
  metadata: z.optional(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((value: string, context) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(value);
          } catch {
            context.issues.push({ code: 'custom', message: 'Not valid JSON', input: value });
            return z.NEVER;
          }
          // Refused in a JSON body before parsing (`repeated-member.ts`, `well-formed-json.ts`):
          // the same here, so a form stores no metadata a JSON body could not.
          const repeated = repeatedMember(value);
          if (repeated !== undefined) {
            context.issues.push({
              code: 'custom',
              message: `Names the key ${JSON.stringify(repeated)} twice`,
              input: value,
            });
            return z.NEVER;
          }
          if (hasLoneSurrogate(parsed)) {
            context.issues.push({
              code: 'custom',
              message:
                'Holds a lone surrogate (an unpaired \\uD800–\\uDFFF escape): its text must be well-formed Unicode',
              input: value,
            });
            return z.NEVER;
          }
          // The record schema drops a `__proto__` key without a word; refuse it here instead.
          if (typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, '__proto__')) {
            context.issues.push({
              code: 'custom',
              message: '__proto__ is a reserved name',
              input: value,
            });
            return z.NEVER;
          }
          return parsed;
        }),
      ),
      documentMetadataSchema,
    ),
  ),
});

/**
 * Where a document is in its life (`awaiting-upload`: its presigned upload has not arrived;
 * `deleting`: a deletion is in progress).
 */
export const documentStatusSchema = described(
  z.enum(['awaiting-upload', 'queued', 'indexing', 'ready', 'failed', 'deleting']),
  { id: 'DocumentStatus' },
);

/** Reply of `POST /v1/documents` (202, with `Location: /v1/documents/{id}`). */
export const documentAcceptedSchema = described(
  z.object({
    id: z.uuid(),
    status: documentStatusSchema,
    version: integer().check(z.positive()),
    unchanged: described(z.optional(z.literal(true)), {
      description: 'Set (with status 200) when the current version already holds these bytes.',
    }),
  }),
  {
    id: 'DocumentAccepted',
    description:
      'The upload is stored and queued for indexing (202), or identical to the current version (200).',
  },
);

/** A document, as `GET /v1/documents/{id}` and the listing show it. */
export const documentSchema = described(
  z.object({
    id: z.uuid(),
    title: z.string(),
    status: documentStatusSchema,
    version: integer().check(z.positive()),
    contentType: z.enum(SUPPORTED_CONTENT_TYPES),
    sizeBytes: integer().check(z.minimum(0)),
    chunkCount: described(z.optional(integer().check(z.minimum(0))), {
      description: 'Set once the version is ready; absent while the document is being deleted.',
    }),
    parts: described(z.optional(integer().check(z.minimum(2))), {
      description: 'While a large document is indexing: the parts it was split into.',
    }),
    partsDone: described(z.optional(integer().check(z.minimum(0))), {
      description: 'While a large document is indexing: its parts done so far.',
    }),
    error: described(z.optional(z.string()), { description: 'Why indexing failed, when it did.' }),
    attempts: described(z.optional(integer().check(z.minimum(0))), {
      description: 'Indexing attempts of this version.',
    }),
    metadata: z.optional(documentMetadataSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
  { id: 'Document' },
);

/** Reply of `GET /v1/documents`. */
export const documentListSchema = pageOf(documentSchema, 'DocumentList');

/** `?offset=&limit=` of `GET /v1/documents/{id}/chunks`: chunk indexes from `offset`. */
export const chunkPageQuery = z.strictObject({
  offset: queryInteger(0, 1_000_000, 0),
  limit: queryInteger(1, 100, 20),
});

/** Reply of `GET /v1/documents/{id}/chunks`. */
export const documentChunkListSchema = described(
  z.object({
    documentId: z.uuid(),
    items: described(
      z.array(
        z.object({
          chunkIndex: integer().check(z.minimum(0)),
          version: integer().check(z.positive()),
          text: z.string(),
        }),
      ),
      { description: 'In chunk order.' },
    ),
    nextOffset: described(z.optional(integer().check(z.minimum(0))), {
      description: 'Pass as `offset` for the next page.',
    }),
  }),
  { id: 'DocumentChunkList', description: 'The indexed chunks of a document.' },
);

/** Path parameters of `/v1/documents/{id}`. */
export const documentPathSchema = z.strictObject({ id: z.uuid() });
