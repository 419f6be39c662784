import { estimateTokens, tokenWeight } from '../text/estimate-tokens.js';
import { countWords, isBlank } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';
import { paragraphSteps, type TextFormat } from './text-sections.js';
import { tokenWindowSteps } from './token-window.js';

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
  /** The page (from 1) the chunk is on, for paged documents: a chunk never spans two pages. */
  page?: number;
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

/** Most chunks a document may make: past it, indexing fails rather than flood the store. */
export const MAX_CHUNKS_PER_DOCUMENT = 20_000;

/**
 * Thrown when a document makes more than {@link MAX_CHUNKS_PER_DOCUMENT} chunks: a property of
 * its text (the same text always makes the same chunks), so trying again cannot succeed.
 */
export class TooManyChunksError extends RangeError {
  constructor() {
    super(
      `The document makes more than ${MAX_CHUNKS_PER_DOCUMENT} chunks; split it into smaller documents`,
    );
    this.name = 'TooManyChunksError';
  }
}

/**
 * Weight (`tokenWeight`) and words of a text: {@link estimateTokens} of texts joined by blank
 * lines adds them up.
 */
interface TextSize {
  weight: number;
  words: number;
}

const sizeOf = (text: string): TextSize => ({ weight: tokenWeight(text), words: countWords(text) });

/** The size of two texts joined by a blank line, as `compose` joins them (empty ones dropped). */
const joined = (first: TextSize, second: TextSize): TextSize =>
  first.weight === 0
    ? second
    : { weight: first.weight + 2 + second.weight, words: first.words + second.words };

/** `estimateTokens(compose(...))` of two parts of these sizes, without building the text. */
const joinedTokens = (first: TextSize, second: TextSize): number => {
  const { weight, words } = joined(first, second);
  return weight === 0 ? 0 : Math.max(Math.ceil(weight / 4), words);
};

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
 * {@link chunkText} as pausable {@link Steps}: it pauses after every paragraph and window (and
 * inside long ones), so that a budget can bound it and other work can run between its slices.
 *
 * @throws TooManyChunksError when the document makes more than {@link MAX_CHUNKS_PER_DOCUMENT} chunks.
 * @throws RangeError when the options are out of range.
 */
export function* chunkSteps(text: string, options: ChunkTextOptions): Steps<TextChunk[]> {
  validate(options);
  const { maxTokens, overlapTokens } = options;
  const chunks: TextChunk[] = [];
  const add = (body: { text: string; headingPath: string[] }) => {
    if (chunks.length >= MAX_CHUNKS_PER_DOCUMENT) throw new TooManyChunksError();
    chunks.push({ index: chunks.length, ...body, tokens: estimateTokens(body.text) });
  };

  let section = -1;
  let headingPath: string[] = [];
  let prefix = '';
  let prefixSize: TextSize = sizeOf('');
  let prefixCost = 0;
  let pending: string[] = [];
  // Sizes of the prefix and the pending paragraphs, kept so that each paragraph is measured
  // once (re-measuring the pending text made many short paragraphs quadratic).
  let pendingSize: TextSize = prefixSize;
  const flush = () => {
    if (pending.length > 0) add({ text: compose(prefix, pending), headingPath });
    pending = [];
    pendingSize = prefixSize;
  };

  // Paragraphs are chunked as they are read: a section is never held whole.
  for (const paragraph of paragraphSteps(text, options.format ?? 'markdown')) {
    if (paragraph === undefined) {
      yield;
      continue;
    }
    if (paragraph.section !== section) {
      flush();
      section = paragraph.section;
      headingPath = paragraph.headingPath;
      prefix = headingLine(headingPath, maxTokens);
      prefixSize = sizeOf(prefix);
      prefixCost = prefix === '' ? 0 : estimateTokens(prefix) + 1;
      pendingSize = prefixSize;
    }
    // A paragraph of more than four characters a token is too long whatever its words or
    // script (a character weighs at least a quarter token), and is not measured.
    const tooLong = paragraph.text.length > 4 * maxTokens;
    const size = tooLong ? { weight: paragraph.text.length, words: 0 } : sizeOf(paragraph.text);
    if (tooLong || joinedTokens(prefixSize, size) > maxTokens) {
      flush();
      const windows = yield* tokenWindowSteps(
        paragraph.text,
        maxTokens - prefixCost,
        overlapTokens,
      );
      // A window of a long run of whitespace or invisible characters shows nothing: it would be
      // an empty chunk (which the OpenAI embedder refuses) or a heading line alone.
      for (const window of windows) {
        if (!isBlank(window)) add({ text: compose(prefix, [window]), headingPath });
      }
    } else if (joinedTokens(pendingSize, size) > maxTokens) {
      flush();
      pending = [paragraph.text];
      pendingSize = joined(prefixSize, size);
    } else {
      pending.push(paragraph.text);
      pendingSize = joined(pendingSize, size);
    }
  }
  flush();

  return chunks;
}

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
 * token in English, one per character in Chinese, at least one per word), which errs high, so chunks stay within the embedding model's
 * input limit. The result depends on the input and options only: the same text always gives
 * the same chunks, which is what makes chunk ids (and so re-indexing) stable. Time is linear in
 * the text, whatever it holds.
 *
 * @example
 * chunkText('# Guide\n\nInstall it.\n\n## Usage\n\nRun it.', { maxTokens: 400, overlapTokens: 60 })
 * // [{ index: 0, text: 'Guide\n\nInstall it.', headingPath: ['Guide'], tokens: 5 },
 * //  { index: 1, text: 'Guide › Usage\n\nRun it.', headingPath: ['Guide', 'Usage'], tokens: 6 }]
 */
export const chunkText = (text: string, options: ChunkTextOptions): TextChunk[] =>
  runSteps(chunkSteps(text, options));
