import * as z from 'zod';
import { SUPPORTED_CONTENT_TYPES } from '../ingestion/content-types.js';
import { isBlank } from '../text/whitespace.js';
import { pageOf } from './common.js';

/** Longest document title, in characters. */
export const MAX_TITLE_CHARS = 300;

/** Most metadata entries a document may carry. */
export const MAX_METADATA_ENTRIES = 32;

const title = z
  .string()
  .trim()
  .min(1)
  .max(MAX_TITLE_CHARS)
  .describe('Uploading the same title again creates a new version of the same document.');

/**
 * Metadata keys refused because they name members of every JavaScript object: stored as data
 * they are read as the object's own machinery (`__proto__` swaps the prototype, `constructor`
 * makes the DynamoDB marshaller reject the record after the upload is stored).
 */
export const RESERVED_METADATA_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

const metadataKey = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'Use 1–64 letters, digits or _.:-')
  .refine((key) => !RESERVED_METADATA_KEYS.has(key), {
    error: (issue) => `${String(issue.input)} is a reserved name`,
  });

/** Free-form, flat metadata stored with a document and returned with it. */
export const documentMetadataSchema = z
  .record(metadataKey, z.union([z.string().max(1_000), z.number(), z.boolean()]), {
    // Name the reason a key is refused, not just "Invalid key in record".
    error: (issue) => (issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined),
  })
  .refine((metadata) => Object.keys(metadata).length <= MAX_METADATA_ENTRIES, {
    message: `At most ${MAX_METADATA_ENTRIES} entries`,
  })
  .meta({ id: 'DocumentMetadata', description: 'Flat key/value metadata.' });

/** JSON body of `POST /v1/documents`; the text is indexed as Markdown (plain prose is Markdown). */
export const uploadDocumentSchema = z
  .strictObject({
    title,
    text: z
      .string()
      .refine((text) => !isBlank(text), 'The text is empty')
      .describe('The document, as Markdown or plain text.'),
    metadata: documentMetadataSchema.optional(),
  })
  .meta({ id: 'UploadDocument', description: 'A document to index, sent as JSON.' });

/** Multipart form of `POST /v1/documents`, as documented (the file is binary). */
export const uploadDocumentFormSchema = z
  .strictObject({
    file: z.string().meta({
      format: 'binary',
      description: `The document: ${SUPPORTED_CONTENT_TYPES.join(', ')} (by media type or file extension).`,
    }),
    title: title.optional().describe('Defaults to the file name.'),
    metadata: z.string().optional().describe('A JSON object of flat metadata.'),
  })
  .meta({ id: 'UploadDocumentForm', description: 'A document to index, sent as a file upload.' });

/**
 * The title a file upload gets when the form names none: its file name, whitespace collapsed,
 * cut to {@link MAX_TITLE_CHARS} characters. A long name is cut rather than refused because the
 * client chose it as a file name, not as a title, and the file itself is fine; a `title` field
 * over the limit is refused like the JSON title, since the client wrote it as one.
 *
 * @example
 * titleFromFileName('  Release   notes.md ') // 'Release notes.md'
 */
export const titleFromFileName = (fileName: string): string => {
  return Array.from(fileName.replace(/\s+/g, ' ').trim()).slice(0, MAX_TITLE_CHARS).join('').trim();
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

/** The multipart form of `POST /v1/documents` as parsed, checked at run time. */
export const parsedUploadFormSchema = z.strictObject({
  file: uploadedFileSchema,
  title: title.optional(),
  metadata: z
    .string()
    .transform((value, context) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        context.addIssue({ code: 'custom', message: 'Not valid JSON' });
        return z.NEVER;
      }
      // The record schema drops a `__proto__` key without a word; refuse it here instead.
      if (typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, '__proto__')) {
        context.addIssue({ code: 'custom', message: '__proto__ is a reserved name' });
        return z.NEVER;
      }
      return parsed;
    })
    .pipe(documentMetadataSchema)
    .optional(),
});

/** Where a document is in its life (`deleting`: a deletion is in progress). */
export const documentStatusSchema = z
  .enum(['queued', 'indexing', 'ready', 'failed', 'deleting'])
  .meta({ id: 'DocumentStatus' });

/** Reply of `POST /v1/documents` (202, with `Location: /v1/documents/{id}`). */
export const documentAcceptedSchema = z
  .object({
    id: z.uuid(),
    status: documentStatusSchema,
    version: z.number().int().positive(),
    unchanged: z
      .literal(true)
      .optional()
      .describe('Set (with status 200) when the current version already holds these bytes.'),
  })
  .meta({
    id: 'DocumentAccepted',
    description:
      'The upload is stored and queued for indexing (202), or identical to the current version (200).',
  });

/** A document, as `GET /v1/documents/{id}` and the listing show it. */
export const documentSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    status: documentStatusSchema,
    version: z.number().int().positive(),
    contentType: z.enum(SUPPORTED_CONTENT_TYPES),
    sizeBytes: z.number().int().min(0),
    chunkCount: z.number().int().min(0).optional().describe('Set once the version is ready.'),
    error: z.string().optional().describe('Why indexing failed, when it did.'),
    attempts: z.number().int().min(0).optional().describe('Indexing attempts of this version.'),
    metadata: documentMetadataSchema.optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Document' });

/** Reply of `GET /v1/documents`. */
export const documentListSchema = pageOf(documentSchema, 'DocumentList');

/** `?offset=&limit=` of `GET /v1/documents/{id}/chunks`: chunk indexes from `offset`. */
export const chunkPageQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Reply of `GET /v1/documents/{id}/chunks`. */
export const documentChunkListSchema = z
  .object({
    documentId: z.uuid(),
    items: z
      .array(
        z.object({
          chunkIndex: z.number().int().min(0),
          version: z.number().int().positive(),
          text: z.string(),
        }),
      )
      .describe('In chunk order.'),
    nextOffset: z.number().int().min(0).optional().describe('Pass as `offset` for the next page.'),
  })
  .meta({ id: 'DocumentChunkList', description: 'The indexed chunks of a document.' });

/** Path parameters of `/v1/documents/{id}`. */
export const documentPathSchema = z.strictObject({ id: z.uuid() });
