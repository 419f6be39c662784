import { estimateTokens } from '../../lambdas/core/text/estimate-tokens.js';
import { client } from '../../test/support/local-stack-client.js';
import { fillerLines, makePdf } from '../../test/support/pdf-fixture.js';
import { startStackOnOpenAiStandIn } from '../../test/support/stack-on-openai-stand-in.js';
import type { Figure } from '../lib/report.js';
import { median } from '../lib/stats.js';

const SECTION = '9 PDF ingestion';
const PAGES = 300;
/** text-embedding-3-small, per million input tokens (list price). */
const DOLLARS_PER_MILLION_TOKENS = 0.02;

interface Run {
  uploadMs: number;
  readyMs: number;
  chunks: number;
  requests: number;
  tokens: number;
  reuploadMs: number;
  reuploadRequests: number;
}

/**
 * One ingest of a generated 300-page text PDF through a fresh local stack (`startLocalStack`,
 * indexer in its worker thread) whose embeddings come from the OpenAI stand-in at 100 ms per
 * call: the multipart upload (the PDF read in the request), the wait until `ready`, then a
 * re-upload of the same file. `partChunks` sets `INDEX_PART_CHUNKS`.
 */
const ingestOnce = async (partChunks: number, pages = PAGES): Promise<Run> => {
  const { stack, openai, close } = await startStackOnOpenAiStandIn(
    'bench-pdf-',
    { embeddingDelayMs: 100 },
    { INDEX_PART_CHUNKS: String(partChunks) },
  );
  try {
    const pdf = makePdf(Array.from({ length: pages }, (_, index) => fillerLines(index + 1)));
    const upload = async () => {
      const form = new FormData();
      form.append(
        'file',
        new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }),
        'handbook.pdf',
      );
      const started = performance.now();
      const response = await fetch(`${stack.apiUrl}/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}` },
        body: form,
      });
      const body = (await response.json()) as { id: string };
      return { id: body.id, ms: performance.now() - started, status: response.status };
    };
    const started = performance.now();
    const first = await upload();
    if (first.status !== 202) throw new Error(`upload answered ${first.status}`);
    const record = await client(stack, stack.apiKey).waitForDocument(first.id, 600_000);
    const readyMs = performance.now() - started - first.ms;
    if (record.status !== 'ready') throw new Error(`the PDF ended ${String(record.status)}`);
    const embeddings = openai.requests.filter((request) => request.endpoint === 'embeddings');
    const tokens = embeddings
      .flatMap((request) => (request.body as { input: string[] }).input)
      .reduce((sum, text) => sum + estimateTokens(text), 0);
    const again = await upload();
    return {
      uploadMs: first.ms,
      readyMs,
      chunks: Number(record.chunkCount),
      requests: embeddings.length,
      tokens,
      reuploadMs: again.ms,
      reuploadRequests: openai.callCount('embeddings') - embeddings.length,
    };
  } finally {
    await close();
  }
};

/**
 * Section 7: a 300-page text PDF from multipart upload to `ready` on the local stack, split
 * into parts (`INDEX_PART_CHUNKS`, default 256) beside the same PDF indexed as one job
 * (`INDEX_PART_CHUNKS` above its chunk count), `runs` times each, after a warm-up ingest of
 * 10 pages (pdf.js is loaded once per process), the variant that goes first alternating; pages/s, the
 * embedding requests and tokens per minute it took, the cost per 1 000 pages, and a re-upload
 * of the unchanged file.
 */
export const runPdfIngestion = async (options: {
  runs: number;
  log: (line: string) => void;
}): Promise<{ figures: Figure[]; details: unknown }> => {
  const parts: Run[] = [];
  const whole: Run[] = [];
  await ingestOnce(256, 10);
  const inParts = async () => {
    parts.push(await ingestOnce(256));
    options.log(`  in parts: ${JSON.stringify(parts.at(-1))}`);
  };
  const oneJob = async () => {
    whole.push(await ingestOnce(1_000_000));
    options.log(`  one job: ${JSON.stringify(whole.at(-1))}`);
  };
  for (let run = 0; run < options.runs; run += 1) {
    for (const variant of run % 2 === 0 ? [oneJob, inParts] : [inParts, oneJob]) await variant();
  }
  const totalS = (run: Run) => (run.uploadMs + run.readyMs) / 1000;
  const ours = median(parts.map(totalS));
  const baseline = median(whole.map(totalS));
  const sample = parts[0]!;
  const perMinute = (count: number) => (count / ours) * 60;
  return {
    figures: [
      {
        section: SECTION,
        metric: `${PAGES}-page PDF, upload to ready`,
        unit: 's',
        ours,
        baseline,
        target: '≤ 60 s',
        met: ours <= 60,
      },
      {
        section: SECTION,
        metric: 'pages per second',
        unit: 'pages/s',
        ours: PAGES / ours,
        baseline: PAGES / baseline,
      },
      {
        section: SECTION,
        metric: 'upload request (PDF read in it)',
        unit: 'ms',
        ours: median(parts.map((run) => run.uploadMs)),
      },
      {
        section: SECTION,
        metric: 'embedding requests per minute',
        unit: 'req/min',
        ours: perMinute(sample.requests),
      },
      {
        section: SECTION,
        metric: 'embedding tokens per minute',
        unit: 'tokens/min',
        ours: perMinute(sample.tokens),
      },
      {
        section: SECTION,
        metric: 'embedding cost per 1 000 pages (text-embedding-3-small)',
        unit: '$',
        ours: (sample.tokens / PAGES) * 1000 * (DOLLARS_PER_MILLION_TOKENS / 1_000_000),
      },
      {
        section: SECTION,
        metric: 'embedding calls of an unchanged re-upload',
        unit: '',
        ours: Math.max(...parts.map((run) => run.reuploadRequests)),
        target: '0',
        met: parts.every((run) => run.reuploadRequests === 0),
      },
    ],
    details: { parts, whole },
  };
};
