import type { CorpusDocument } from '../indexing/corpus.js';
import type { BenchEnvironment } from './environment.js';

const UPLOAD_CONCURRENCY = 8;
const STATUS_POLL_MS = 250;
const READY_WITHIN_MS = 120_000;

interface DocumentPage {
  items: { status: string }[];
  nextCursor?: string;
}

/** The statuses of every document of the stack's tenant. */
const statuses = async (apiUrl: string, headers: Record<string, string>): Promise<string[]> => {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await fetch(`${apiUrl}/v1/documents?limit=100${query}`, { headers });
    const page = (await response.json()) as DocumentPage;
    found.push(...page.items.map((item) => item.status));
    cursor = page.nextCursor;
  } while (cursor);
  return found;
};

/**
 * Indexes `documents` for the local stack's own tenant (the one `stack.apiKey` belongs to)
 * through its documents API, and waits until every one is `ready`: its records in the stack's
 * table and its chunks in the vector store, so that an answer streamed for that tenant
 * retrieves passages and reads their documents' records, as a deployed one does. Untimed
 * set-up of sections 3 and 5 (section 4 indexes into a database of its own). The embedding
 * stand-in should answer at once meanwhile.
 *
 * @example
 * await indexThroughStack(environment, corpus.documents);
 */
export const indexThroughStack = async (
  environment: BenchEnvironment,
  documents: readonly CorpusDocument[],
): Promise<void> => {
  const { apiUrl, apiKey } = environment.stack;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  let next = 0;
  await Promise.all(
    Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
      while (next < documents.length) {
        const document = documents[next++]!;
        const response = await fetch(`${apiUrl}/v1/documents`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ title: document.title, text: document.text }),
        });
        const body = await response.text();
        if (response.status !== 202) {
          throw new Error(`upload of ${document.title}: ${response.status} ${body.slice(0, 200)}`);
        }
      }
    }),
  );
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    const found = await statuses(apiUrl, headers);
    const ready = found.filter((status) => status === 'ready').length;
    if (found.length >= documents.length && ready === found.length) return;
    if (found.includes('failed') || Date.now() > deadline) {
      throw new Error(`indexing through the stack: ${ready} of ${documents.length} ready`);
    }
    await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
  }
};
