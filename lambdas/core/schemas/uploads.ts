import { z } from 'zod';
import { SUPPORTED_CONTENT_TYPES } from '../ingestion/content-types.js';
import { documentMetadataSchema, titleSchema } from './documents.js';

/** JSON body of `POST /v1/uploads`: the file to come, described. */
export const requestUploadSchema = z
  .strictObject({
    title: titleSchema.optional().describe('Defaults to `fileName`.'),
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(1_024)
      .optional()
      .describe(
        'The file name: the title when none is given, and the type when the content type is `application/octet-stream`.',
      ),
    contentType: z
      .string()
      .min(1)
      .max(255)
      .describe(
        `The file's media type (${SUPPORTED_CONTENT_TYPES.join(', ')}); the upload must send the same.`,
      ),
    contentLength: z
      .number()
      .int()
      .min(1)
      .describe('The exact size of the file, in bytes; the upload must send the same.'),
    metadata: documentMetadataSchema.optional(),
  })
  .refine((body) => body.title !== undefined || body.fileName !== undefined, {
    message: 'Give a title or a fileName',
    path: ['title'],
  })
  .meta({ id: 'RequestUpload', description: 'A file to upload straight to storage.' });

/** Reply of `POST /v1/uploads` (201, with `Location: /v1/documents/{id}`). */
export const requestedUploadSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int().positive(),
    status: z.literal('awaiting-upload'),
    upload: z.object({
      url: z.url().describe('Presigned: `PUT` the file here before `expiresAt`.'),
      method: z.literal('PUT'),
      headers: z
        .record(z.string(), z.string())
        .describe('Send exactly these headers (content type and length are signed).'),
      expiresAt: z.iso.datetime(),
    }),
  })
  .meta({
    id: 'RequestedUpload',
    description:
      'The document the file becomes, `awaiting-upload`, and the presigned PUT that uploads it; its arrival queues it for indexing.',
  });
