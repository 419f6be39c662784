import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../lib/paths.js';

/** One document of the benchmark corpus. */
export interface CorpusDocument {
  title: string;
  text: string;
}

/** The corpus and where it came from. */
export interface Corpus {
  source: string;
  documents: CorpusDocument[];
  bytes: number;
}

/** The shared corpus: FastAPI's documentation, 155 Markdown pages. */
export const CORPUS_DIR = join(PROJECT_ROOT, '..', 'shared', 'corpus', 'fastapi-docs');

/** Size of the shared corpus, which a generated corpus reproduces. */
const DOCUMENTS = 155;
const AVERAGE_BYTES = 12_500;

const markdownFiles = async (folder: string): Promise<string[]> => {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async (entry) => {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) return markdownFiles(path);
        return entry.name.endsWith('.md') ? [path] : [];
      }),
  );
  return nested.flat();
};

/** A small deterministic PRNG (mulberry32), so the generated corpus is the same every run. */
const random = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const WORDS = (
  'request response path query parameter body model schema validation dependency router ' +
  'middleware async await database session token security header cookie form file upload ' +
  'background task websocket test client settings environment deploy docker server worker ' +
  'type hint pydantic field default optional list dict status code error exception handler ' +
  'openapi documentation endpoint operation tag summary example json encoder stream event'
).split(' ');

/**
 * A generated stand-in for the shared corpus when it is missing: {@link DOCUMENTS} Markdown
 * pages of the same average size (headings, paragraphs, code blocks), from a fixed seed.
 */
const generateCorpus = (): CorpusDocument[] => {
  const next = random(20_240_601);
  const word = () => WORDS[Math.floor(next() * WORDS.length)]!;
  const sentence = () => {
    const words = Array.from({ length: 8 + Math.floor(next() * 14) }, word).join(' ');
    return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
  };
  return Array.from({ length: DOCUMENTS }, (_, index) => {
    const target = AVERAGE_BYTES * (0.2 + 1.6 * next());
    const lines = [`# ${word()} ${word()} ${index}`, ''];
    let size = 0;
    while (size < target) {
      const block =
        next() < 0.15
          ? `## ${word()} ${word()}`
          : next() < 0.2
            ? `\`\`\`python\n${Array.from({ length: 4 }, () => `${word()} = ${word()}(${word()})`).join('\n')}\n\`\`\``
            : Array.from({ length: 2 + Math.floor(next() * 5) }, sentence).join(' ');
      lines.push(block, '');
      size += block.length + 2;
    }
    return { title: `generated/page-${String(index).padStart(3, '0')}.md`, text: lines.join('\n') };
  });
};

/**
 * Loads `../shared/corpus/fastapi-docs` (every `.md` file, titled by its path), or generates a
 * corpus of the same size when that folder is missing.
 *
 * @example
 * const corpus = await loadCorpus(); // { source: '…/fastapi-docs', documents: [155 pages] }
 */
export const loadCorpus = async (): Promise<Corpus> => {
  const documents = existsSync(CORPUS_DIR)
    ? await Promise.all(
        (await markdownFiles(CORPUS_DIR)).map(async (path) => ({
          title: relative(CORPUS_DIR, path),
          text: await readFile(path, 'utf8'),
        })),
      )
    : generateCorpus();
  return {
    source: existsSync(CORPUS_DIR) ? relative(PROJECT_ROOT, CORPUS_DIR) : 'generated (seeded)',
    documents,
    bytes: documents.reduce((sum, document) => sum + Buffer.byteLength(document.text), 0),
  };
};
