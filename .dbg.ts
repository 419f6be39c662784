import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startLocalStack } from './dev/local-stack.js';
import { retrievePassages, DEFAULT_RETRIEVAL } from './lambdas/core/retrieval/retrieve-passages.js';
import { lexicalTerms } from './lambdas/core/retrieval/lexical-terms.js';
import { loadDataset } from './eval/dataset.js';
const ds = await loadDataset('/tmp/ds-retrieval.json');
const dataDir = await mkdtemp(join(tmpdir(), 'dbg-'));
const stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'ERROR' });
await new Promise(r => spawn(process.execPath, ['--import','tsx','scripts/ingest.ts','--concurrency','8','/work/shared/corpus/fastapi-docs'], { env: { ...process.env, API_URL: stack.apiUrl, API_KEY: stack.apiKey }, stdio: 'ignore' }).on('exit', r));
const deps = { embedder: stack.ai.embedder, vectors: stack.ai.vectorStore };
const s = { ...DEFAULT_RETRIEVAL, topK: 5, minScore: -1, minCoverage: 0, fusion: { k: 2, candidates: 50, weights: [1, 2] } };
for (const [kind, items] of [['U', ds.unanswerable], ['A', ds.answerable.filter(i => i.split === 'tune')]] as const) {
  for (const item of items) {
    const r = await retrievePassages(deps, { ...s, topK: 50 }, { tenantId: 'local', question: item.question });
    const q = [...new Set(lexicalTerms(item.question))];
    const sets = r.ranked.map((c) => new Set(lexicalTerms(c.title + '\n' + c.text)));
    const n = sets.length;
    const w = new Map(q.map((t) => [t, Math.log(1 + n / (1 + sets.filter((x) => x.has(t)).length))]));
    const union = q.filter((t) => sets.some((x) => x.has(t))).length / q.length;
    const tot = q.reduce((a, t) => a + w.get(t)!, 0);
    const best = Math.max(...sets.slice(0, 5).map((x) => q.filter((t) => x.has(t)).reduce((a, t) => a + w.get(t)!, 0) / tot));
    const missing = q.filter((t) => !sets.some((x) => x.has(t)));
    console.log(kind, best.toFixed(2), union.toFixed(2), item.question.slice(0, 70), '|', missing.join(','));
  }
}
await stack.close();
