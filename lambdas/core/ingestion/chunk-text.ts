import { estimateTokens } from '../text/estimate-tokens.js';
import { splitSections, type TextFormat } from './text-sections.js';
import { tokenWindows } from './token-window.js';

/** Options of {@link chunkText}. */
export interface ChunkTextOptions {
  /** Upper bound of a chunk's estimated tokens, heading path included. */
  maxTokens: number;
  /** Tokens repeated between consecutive windows of a paragraph too long for one chunk. */
  overlapTokens: number;
  /** `markdown` (the default) follows headings; `plain` only paragraphs. */
  format?: TextFormat;
}

/** One chunk of a document, ready to embed. */
export interface TextChunk {
  /** Position in the document, from 0 without gaps. */
  index: number;
  /** The heading path (when there is one), a blank line, then the chunk's paragraphs. */
  text: string;
  /** Titles of the enclosing headings, outermost first. */
  headingPath: string[];
  /** Estimated tokens of `text` (see `estimateTokens`): never more than `maxTokens`. */
  tokens: number;
}

/** Separator of the heading path line that starts a chunk: `Tutorial › Path parameters`. */
export const HEADING_PATH_SEPARATOR = ' › ';

/** The heading path line, kept to a quarter of the chunk budget so the body keeps room. */
const headingLine = (path: string[], maxTokens: number): string => {
  const budget = Math.floor(maxTokens / 4);
  for (let from = 0; from < path.length; from += 1) {
    const line = path.slice(from).join(HEADING_PATH_SEPARATOR);
    if (estimateTokens(line) + 1 <= budget) return line;
  }
  return '';
};

const compose = (prefix: string, paragraphs: string[]): string =>
  [prefix, ...paragraphs].filter(Boolean).join('\n\n');

const validate = ({ maxTokens, overlapTokens }: ChunkTextOptions) => {
  if (!Number.isInteger(maxTokens) || maxTokens < 8) {
    throw new RangeError(`maxTokens must be an integer of at least 8; got ${maxTokens}`);
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= maxTokens / 2) {
    throw new RangeError(
      `overlapTokens must be an integer from 0 to under half of maxTokens; got ${overlapTokens}`,
    );
  }
};

/**
 * Splits a document into chunks for embedding, structure first.
 *
 * Markdown is cut at every heading, so a chunk never spans two sections, and each chunk starts
 * with its heading path (`Tutorial › Path parameters`) so that it carries its context into the
 * embedding and the answer. Within a section whole paragraphs (a fenced code block counts as
 * one) are packed up to `maxTokens`. A paragraph too long for one chunk, and plain text
 * without paragraph breaks, fall back to a sliding window of `maxTokens` with `overlapTokens`
 * repeated between windows, cut between words.
 *
 * Tokens are estimated without a tokenizer by `estimateTokens` (about four characters per
 * token, at least one per word), which errs high, so chunks stay within the embedding model's
 * input limit. The result depends on the input and options only: the same text always gives
 * the same chunks, which is what makes chunk ids (and so re-indexing) stable.
 *
 * @example
 * chunkText('# Guide\n\nInstall it.\n\n## Usage\n\nRun it.', { maxTokens: 400, overlapTokens: 60 })
 * // [{ index: 0, text: 'Guide\n\nInstall it.', headingPath: ['Guide'], tokens: 5 },
 * //  { index: 1, text: 'Guide › Usage\n\nRun it.', headingPath: ['Guide', 'Usage'], tokens: 6 }]
 */
export const chunkText = (text: string, options: ChunkTextOptions): TextChunk[] => {
  validate(options);
  const { maxTokens, overlapTokens } = options;
  const bodies: { text: string; headingPath: string[] }[] = [];

  for (const { headingPath, paragraphs } of splitSections(text, options.format ?? 'markdown')) {
    const prefix = headingLine(headingPath, maxTokens);
    const prefixCost = prefix === '' ? 0 : estimateTokens(prefix) + 1;
    let pending: string[] = [];
    const flush = () => {
      if (pending.length > 0) bodies.push({ text: compose(prefix, pending), headingPath });
      pending = [];
    };
    for (const paragraph of paragraphs) {
      if (estimateTokens(compose(prefix, [paragraph])) > maxTokens) {
        flush();
        for (const window of tokenWindows(paragraph, maxTokens - prefixCost, overlapTokens)) {
          bodies.push({ text: compose(prefix, [window]), headingPath });
        }
      } else if (estimateTokens(compose(prefix, [...pending, paragraph])) > maxTokens) {
        flush();
        pending = [paragraph];
      } else {
        pending.push(paragraph);
      }
    }
    flush();
  }

  return bodies.map((body, index) => ({
    index,
    text: body.text,
    headingPath: body.headingPath,
    tokens: estimateTokens(body.text),
  }));
};
