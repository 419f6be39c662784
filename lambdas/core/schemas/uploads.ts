import { SUPPORTED_CONTENT_TYPES } from '../ingestion/content-types.js';
import { described, integer } from './common.js';
import { documentMetadataSchema, titleSchema } from './documents.js';
import * as z from './zod-mini.js';

/** JSON body of `POST /v1/uploads`: the file to come, described. */
export const requestUploadSchema = described(
  z
    .strictObject({
      title: described(z.optional(titleSchema), { description: 'Defaults to `fileName`.' }),
      fileName: described(
        z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1_024))),
        {
          description:
            'The file name: the title when none is given, and the type when the content type is `application/octet-stream`.',
        },
      ),
      contentType: described(z.string().check(z.minLength(1), z.maxLength(255)), {
        description: `The file's media type (${SUPPORTED_CONTENT_TYPES.join(', ')}); the upload must send the same.`,
      }),
      contentLength: described(integer().check(z.minimum(1)), {
        description: 'The exact size of the file, in bytes; the upload must send the same.',
      }),
      metadata: z.optional(documentMetadataSchema),
    })
    .check(
      z.refine((body) => body.title !== undefined || body.fileName !== undefined, {
        message: 'Give a title or a fileName',
        path: ['title'],
      }),
    ),
  { id: 'RequestUpload', description: 'A file to upload straight to storage.' },
);

/** Reply of `POST /v1/uploads` (201, with `Location: /v1/documents/{id}`). */
export const requestedUploadSchema = described(
  z.object({
    id: z.uuid(),
    version: integer().check(z.positive()),
    status: z.literal('awaiting-upload'),
    upload: z.object({
      url: described(z.url(), {
        description: 'Presigned: `PUT` the file here before `expiresAt`.',
      }),
      method: z.literal('PUT'),
      headers: described(z.record(z.string(), z.string()), {
        description:
          'Send exactly these headers (content type, length and `if-none-match: *` are signed). The URL is single-use: a second PUT is refused with 412 PreconditionFailed, also when it retries a PUT whose answer was lost; the file is then already stored.',
      }),
      expiresAt: z.iso.datetime(),
    }),
  }),
  {
    id: 'RequestedUpload',
    description:
      'The document the file becomes, `awaiting-upload`, and the presigned PUT that uploads it; its arrival queues it for indexing.',
  },
);
