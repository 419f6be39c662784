import type { TextFormat } from './text-sections.js';

/** The media types a document can be uploaded as. */
export const SUPPORTED_CONTENT_TYPES = [
  'text/plain',
  'text/markdown',
  'text/html',
  'application/pdf',
] as const;

/** One of {@link SUPPORTED_CONTENT_TYPES}. */
export type SupportedContentType = (typeof SUPPORTED_CONTENT_TYPES)[number];

const ALIASES: Record<string, SupportedContentType> = {
  'text/plain': 'text/plain',
  'text/markdown': 'text/markdown',
  'text/x-markdown': 'text/markdown',
  'text/html': 'text/html',
  'application/xhtml+xml': 'text/html',
  'application/pdf': 'application/pdf',
  'application/x-pdf': 'application/pdf',
};

const EXTENSIONS: Record<string, SupportedContentType> = {
  txt: 'text/plain',
  text: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  mdx: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  pdf: 'application/pdf',
};

/** Media types that say nothing about the content, so that the file name decides. */
const UNINFORMATIVE = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/**
 * The supported type of an uploaded file: its declared media type (parameters ignored), or,
 * when the client declared none or only `application/octet-stream` (as curl does for `.md`),
 * its file name's extension. Undefined when the file is of another type.
 *
 * @example
 * resolveContentType('application/octet-stream', 'guide.md') // 'text/markdown'
 * resolveContentType('application/msword', 'guide.doc') // undefined
 */
export const resolveContentType = (
  mediaType: string | undefined,
  fileName?: string,
): SupportedContentType | undefined => {
  const essence = (mediaType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!UNINFORMATIVE.has(essence)) return ALIASES[essence];
  const extension = /\.([a-z0-9]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
  return extension ? EXTENSIONS[extension] : undefined;
};

/** How the chunker reads text extracted from a document of this type (HTML keeps its headings). */
export const textFormatOf = (contentType: string): TextFormat =>
  contentType === 'text/plain' ? 'plain' : contentType === 'text/html' ? 'html' : 'markdown';

/** Whether documents of this type are read page by page (their chunks and citations carry pages). */
export const isPaged = (contentType: string): contentType is 'application/pdf' =>
  contentType === 'application/pdf';
