/** A text delta as the client received it. */
export interface DeltaArrival {
  delta: string;
  /** `performance.now()` of the read that completed its frame. */
  at: number;
  /** Index of that read. */
  read: number;
}

/** What the client saw of one UI message stream. */
export interface StreamReading {
  status: number;
  contentType: string;
  /** `performance.now()` just before `fetch` was called. */
  sentAt: number;
  /** Every read: when, how many bytes, how many text deltas it completed. */
  reads: { at: number; bytes: number; deltas: number }[];
  deltas: DeltaArrival[];
  /** Types of every part, in order. */
  partTypes: string[];
  done: boolean;
}

interface Part {
  type: string;
  delta?: unknown;
}

/**
 * Posts `body` to a UI message stream endpoint and reads the reply with one `fetch` reader,
 * timestamping each read, parsing SSE as a browser does: an event is dispatched at the blank
 * line that ends it, comment lines (`:`) are skipped. The same code reads the project's stream
 * and the AI SDK baseline's, so their timings compare.
 *
 * @example
 * const reading = await readUiMessageStream(url, { authorization: 'Bearer …' }, { message: 'Hi' });
 * reading.deltas.length; // tokens received
 */
export const readUiMessageStream = async (
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<StreamReading> => {
  const decoder = new TextDecoder();
  const sentAt = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const reading: StreamReading = {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    sentAt,
    reads: [],
    deltas: [],
    partTypes: [],
    done: false,
  };
  if (!response.body) return reading;
  const reader = response.body.getReader();
  let buffer = '';
  let data: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    const at = performance.now();
    if (done) break;
    const readIndex = reading.reads.length;
    let deltas = 0;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        continue;
      }
      if (line !== '' || data.length === 0) continue;
      const text = data.join('\n');
      data = [];
      if (text === '[DONE]') {
        reading.done = true;
        continue;
      }
      const part = JSON.parse(text) as Part;
      reading.partTypes.push(part.type);
      if (part.type === 'text-delta' && typeof part.delta === 'string') {
        reading.deltas.push({ delta: part.delta, at, read: readIndex });
        deltas += 1;
      }
    }
    reading.reads.push({ at, bytes: value.byteLength, deltas });
  }
  return reading;
};
