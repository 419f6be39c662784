/** What a tenant can see of its own data through the API, in a comparable form. */
export interface TenantState {
  /** `sessionId: message ids, newest first` per session, sorted by session id. */
  sessions: Record<string, string[]>;
  /** `documentId: status@version (chunks)` per document, sorted by id. */
  documents: Record<string, string>;
}

interface Listing<T> {
  items: T[];
  nextCursor?: string;
}

const get = async <T>(apiUrl: string, apiKey: string, path: string): Promise<T> => {
  const response = await fetch(`${apiUrl}${path}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (response.status !== 200) {
    throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as T;
};

/** Reads every page of a listing. */
const all = async <T>(apiUrl: string, apiKey: string, path: string): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await get<Listing<T>>(apiUrl, apiKey, `${path}?${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
};

/**
 * Reads everything the tenant of `apiKey` can list (every session with every message id,
 * every document with its status, version and chunk count), so that two reads can be compared
 * to prove that nothing was written in between.
 *
 * @example
 * const before = await tenantState(stack.apiUrl, stack.apiKey);
 * // … requests that must not write …
 * expect(await tenantState(stack.apiUrl, stack.apiKey)).toEqual(before);
 */
export const tenantState = async (apiUrl: string, apiKey: string): Promise<TenantState> => {
  const sessions = await all<{ sessionId: string }>(apiUrl, apiKey, '/v1/sessions');
  const documents = await all<{ id: string; status: string; version: number; chunkCount?: number }>(
    apiUrl,
    apiKey,
    '/v1/documents',
  );
  const messages = await Promise.all(
    sessions.map(
      async ({ sessionId }) =>
        [
          sessionId,
          (await all<{ id: string }>(apiUrl, apiKey, `/v1/sessions/${sessionId}`)).map(
            (message) => message.id,
          ),
        ] as const,
    ),
  );
  return {
    sessions: Object.fromEntries(messages.sort(([a], [b]) => a.localeCompare(b))),
    documents: Object.fromEntries(
      documents
        .map(
          (document) =>
            [
              document.id,
              `${document.status}@${document.version} (${document.chunkCount ?? '-'} chunks)`,
            ] as const,
        )
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
};
