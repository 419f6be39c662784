/**
 * A local, spec-checked stand-in for the OpenAI API (`/v1/embeddings`, `/v1/chat/completions`),
 * for tests and benchmarks. Deterministic embeddings, configurable replies and latencies,
 * injectable faults, and every request and reply checked against the committed spec extract.
 * Embedding requests over OpenAI's size limits (8 192 tokens an input, 300 000 a request, by
 * the real tokenizer) are refused as OpenAI refuses them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { embeddingSizeRefusal } from './embedding-size-limits.js';
import { getSpecValidator, type SpecViolation, ViolationLog } from './spec-validator.js';
import { readText, standInServer } from './stand-in-server.js';

/** The endpoints the stand-in serves. */
export type OpenAiEndpoint = 'embeddings' | 'chat.completions';

/**
 * A fault to inject. `429` answers a rate-limit error with a `Retry-After` header (seconds);
 * `500` a server error; `hang` never answers (until the client gives up); `drop-mid-stream`
 * writes `afterTokens` tokens of a streamed reply and then destroys the socket (a buffered
 * request has its socket destroyed before any reply).
 */
export type OpenAiFault =
  | { kind: '429'; retryAfterSeconds?: number }
  | { kind: '500' }
  | { kind: 'hang' }
  | { kind: 'drop-mid-stream'; afterTokens?: number };

/** A chat message as the stand-in reads it. */
export interface StandInChatMessage {
  role: string;
  content?: unknown;
}

/** Computes the assistant's reply text for a chat request. */
export type ReplyFunction = (request: { model: string; messages: StandInChatMessage[] }) => string;

/** Behaviour of the stand-in; every field can also be changed later with `configure`. */
export interface OpenAiStandInOptions {
  /** Embedding size when the request has no `dimensions` (default 64). */
  dimensions?: number;
  /** Delay before each embeddings reply, in ms (default 0). */
  embeddingDelayMs?: number;
  /** The assistant's reply (default: a deterministic echo of the last user message). */
  reply?: ReplyFunction;
  /** Delay before the first token (or the buffered reply), in ms (default 0). */
  firstTokenDelayMs?: number;
  /** Gap between streamed tokens, in ms (default 0). */
  tokenIntervalMs?: number;
  /** Print each violation to stderr when it happens (default true). */
  logViolations?: boolean;
  /**
   * How embeddings go on the wire: as `encoding_format` asks (default); always as JSON
   * numbers, as some OpenAI-compatible servers answer whatever is asked; or, when base64 is
   * asked, cut two bytes short (a corrupt reply).
   */
  embeddingEncoding?: 'as-requested' | 'float' | 'truncated';
}

/** What the stand-in saw of one request. Times are `performance.now()` values, in ms. */
export interface OpenAiRequestRecord {
  endpoint: OpenAiEndpoint | 'unknown';
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (`undefined` if none or unparseable). */
  body: unknown;
  stream: boolean;
  receivedAt: number;
  /** Status sent, once the head is written. */
  status?: number;
  /** The fault applied to this request, if any. */
  fault?: OpenAiFault['kind'];
  /** When each content token was written (streamed replies). */
  tokenWrites: number[];
  /** The token usage the reply reports (the cost benchmark prices it). */
  usage?: { model: string; input: number; output: number };
  /** True when the client closed the connection before the reply was complete. */
  clientAborted: boolean;
  /** True when the stand-in itself destroyed the socket (a `drop-mid-stream` fault). */
  droppedByStandIn: boolean;
  /** Resolves once the reply is complete, the socket was dropped, or the client went away. */
  settled: Promise<void>;
}

/** A running stand-in. */
export interface OpenAiStandIn {
  /** Base URL, ending in `/v1` (pass it as the SDK's `baseURL`). */
  readonly url: string;
  readonly requests: readonly OpenAiRequestRecord[];
  readonly violations: readonly SpecViolation[];
  /** Requests to an endpoint that passed validation (faulted ones included). */
  callCount(endpoint: OpenAiEndpoint): number;
  /** Injects a fault into the next `times` requests of an endpoint (all, if omitted); null clears. */
  setFault(endpoint: OpenAiEndpoint, fault: OpenAiFault | null, times?: number): void;
  clearFaults(): void;
  /** Changes behaviour for the requests that follow. */
  configure(patch: Omit<OpenAiStandInOptions, 'logViolations'>): void;
  /** Throws, listing them, if any violation was recorded. */
  assertNoViolations(): void;
  clearViolations(): void;
  close(): Promise<void>;
}

interface ChatRequestBody {
  model: string;
  messages: StandInChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  max_completion_tokens?: number | null;
  max_tokens?: number | null;
}

interface EmbeddingRequestBody {
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
}

const MAX_DIMENSIONS = 3072;
const DROP_GRACE_MS = 20;
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A deterministic embedding: hashed bag-of-words features (lower-cased words, or token ids),
 * signed, L2-normalised and rounded to float32. The same input always gives the same vector and
 * texts sharing words get close vectors.
 */
export function deterministicEmbedding(
  input: string | readonly number[],
  dimensions: number,
): number[] {
  const features =
    typeof input === 'string'
      ? (input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [input])
      : input.map((token) => `#${token}`);
  const vector = new Array<number>(dimensions).fill(0);
  for (const feature of features) {
    const hash = fnv1a(feature);
    const sign = fnv1a(`${feature}\u0000sign`) & 1 ? 1 : -1;
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + sign;
  }
  let norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[fnv1a(String(input)) % dimensions] = 1;
    norm = 1;
  }
  return vector.map((value) => Math.fround(value / norm));
}

/** Encodes a vector as OpenAI does for `encoding_format: 'base64'`: little-endian float32. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => {
    bytes.writeFloatLE(value, index * 4);
  });
  return bytes.toString('base64');
}

/** Splits a reply into the tokens a stream sends: words with their leading whitespace. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text === '' ? [] : [text]);
}

function countWords(value: unknown): number {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean).length;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + countWords(item), 0);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce<number>((sum, item) => sum + countWords(item), 0);
  }
  return typeof value === 'number' ? 1 : 0;
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : ''))
    .join(' ');
}

/** The default reply: a deterministic echo of the last user message. */
export const echoReply: ReplyFunction = ({ messages }) => {
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  return `Stand-in answer to: ${messageText(lastUser?.content).trim()}`;
};

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function errorBody(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

/** Starts the stand-in on a random port of 127.0.0.1. */
export async function startOpenAiStandIn(
  options: OpenAiStandInOptions = {},
): Promise<OpenAiStandIn> {
  const settings = {
    dimensions: options.dimensions ?? 64,
    embeddingDelayMs: options.embeddingDelayMs ?? 0,
    reply: options.reply ?? echoReply,
    firstTokenDelayMs: options.firstTokenDelayMs ?? 0,
    tokenIntervalMs: options.tokenIntervalMs ?? 0,
    embeddingEncoding: options.embeddingEncoding ?? 'as-requested',
  };
  const validator = getSpecValidator('openai');
  const log = new ViolationLog(options.logViolations ?? true);
  const requests: OpenAiRequestRecord[] = [];
  const counts: Record<OpenAiEndpoint, number> = { embeddings: 0, 'chat.completions': 0 };
  const faults = new Map<OpenAiEndpoint, { fault: OpenAiFault; remaining?: number }>();
  let completionCounter = 0;
  let closing = false;

  const violation = (kind: SpecViolation['kind'], record: OpenAiRequestRecord, errors: string[]) =>
    log.record({ service: 'openai', kind, method: record.method, url: record.path, errors });

  /** Sends a JSON reply after checking it against the spec; an off-spec reply becomes a 500. */
  const sendJson = (
    response: ServerResponse,
    record: OpenAiRequestRecord,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    checkedBody: unknown = body,
  ): void => {
    if (response.destroyed) return;
    const contentType = 'application/json';
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    // A route outside the extract has no reply schema: only known operations are checked.
    const known = validator.match(record.method, record.path) !== undefined;
    const errors = known
      ? validator.validateResponse({
          method: record.method,
          url: record.path,
          status,
          contentType,
          body: checkedBody,
          headers: lower,
        })
      : [];
    let finalStatus = status;
    let finalBody = body;
    if (errors.length > 0) {
      violation('reply', record, errors);
      finalStatus = 500;
      finalBody = errorBody(`stand-in bug: off-spec reply: ${errors.join('; ')}`, 'server_error');
    }
    record.status = finalStatus;
    response.writeHead(finalStatus, { 'content-type': contentType, ...headers });
    response.end(JSON.stringify(finalBody));
  };

  const drop = (response: ServerResponse, record: OpenAiRequestRecord): void => {
    record.droppedByStandIn = true;
    response.destroy();
  };

  const takeFault = (endpoint: OpenAiEndpoint): OpenAiFault | undefined => {
    const entry = faults.get(endpoint);
    if (entry === undefined) return undefined;
    if (entry.remaining !== undefined) {
      entry.remaining -= 1;
      if (entry.remaining <= 0) faults.delete(endpoint);
    }
    return entry.fault;
  };

  /** Applies a fault that ends the exchange by itself; returns false for stream-only faults. */
  const applyFault = (
    fault: OpenAiFault,
    response: ServerResponse,
    record: OpenAiRequestRecord,
  ): boolean => {
    switch (fault.kind) {
      case '429': {
        const seconds = String(fault.retryAfterSeconds ?? 1);
        const body = errorBody(
          'Rate limit reached (stand-in fault).',
          'requests',
          'rate_limit_exceeded',
        );
        sendJson(response, record, 429, body, { 'Retry-After': seconds });
        return true;
      }
      case '500':
        sendJson(
          response,
          record,
          500,
          errorBody('The server had an error (stand-in fault).', 'server_error'),
        );
        return true;
      case 'hang':
        return true;
      case 'drop-mid-stream':
        if (record.stream) return false;
        drop(response, record);
        return true;
    }
  };

  const serveEmbeddings = async (
    body: EmbeddingRequestBody,
    response: ServerResponse,
    record: OpenAiRequestRecord,
  ): Promise<void> => {
    const inputs: Array<string | number[]> =
      typeof body.input === 'string'
        ? [body.input]
        : typeof body.input[0] === 'number'
          ? [body.input as number[]]
          : (body.input as Array<string | number[]>);
    const dimensions = body.dimensions ?? settings.dimensions;
    const vectors = inputs.map((input) => deterministicEmbedding(input, dimensions));
    const tokens = inputs.reduce<number>(
      (sum, input) => sum + (typeof input === 'string' ? countWords(input) || 1 : input.length),
      0,
    );
    const reply = (encode: (vector: number[]) => number[] | string) => ({
      object: 'list',
      model: body.model,
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: encode(vector),
      })),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
    record.usage = { model: body.model, input: tokens, output: 0 };
    await sleep(settings.embeddingDelayMs);
    // The spec describes embeddings only as float arrays: the float form is what gets checked.
    const floatReply = reply((vector) => vector);
    const base64 = body.encoding_format === 'base64' && settings.embeddingEncoding !== 'float';
    const truncated = (vector: readonly number[]) =>
      Buffer.from(float32Base64(vector), 'base64').subarray(2).toString('base64');
    const wireReply = !base64
      ? floatReply
      : reply(settings.embeddingEncoding === 'truncated' ? truncated : float32Base64);
    sendJson(response, record, 200, wireReply, {}, floatReply);
  };

  const serveChat = async (
    body: ChatRequestBody,
    response: ServerResponse,
    record: OpenAiRequestRecord,
    fault: OpenAiFault | undefined,
  ): Promise<void> => {
    completionCounter += 1;
    const id = `chatcmpl-standin-${completionCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const reply = settings.reply({ model: body.model, messages: body.messages });
    const full = tokenize(reply);
    // Like the API, a reply stops at the request's token cap and says so (`length`).
    const cap = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    const tokens = cap === undefined ? full : full.slice(0, cap);
    const finishReason = tokens.length < full.length ? 'length' : 'stop';
    const text = finishReason === 'length' ? tokens.join('') : reply;
    const promptTokens = countWords(body.messages.map((message) => message.content));
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: tokens.length,
      total_tokens: promptTokens + tokens.length,
    };
    record.usage = { model: body.model, input: promptTokens, output: tokens.length };
    await sleep(settings.firstTokenDelayMs);
    if (response.destroyed) return;
    if (!record.stream) {
      const message = { role: 'assistant', content: text, refusal: null };
      const choice = { index: 0, message, finish_reason: finishReason, logprobs: null };
      const object = 'chat.completion';
      sendJson(response, record, 200, {
        id,
        object,
        created,
        model: body.model,
        choices: [choice],
        usage,
      });
      return;
    }
    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (delta: object, finishReason: string | null, withChoice = true) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      choices: withChoice ? [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] : [],
      ...(includeUsage ? { usage: null } : {}),
    });
    const writeEvent = async (event: object): Promise<boolean> => {
      if (response.destroyed) return false;
      const errors = validator.validateResponse({
        method: record.method,
        url: record.path,
        status: 200,
        contentType: 'text/event-stream',
        body: event,
      });
      if (errors.length > 0) {
        violation('reply', record, errors);
        drop(response, record);
        return false;
      }
      await new Promise<void>((resolve) => {
        response.write(`data: ${JSON.stringify(event)}\n\n`, () => resolve());
      });
      return true;
    };
    // A drop comes when the next token would be due (and never in the same instant as the last
    // write, which would let the client lose bytes it had already been sent).
    const dropLater = async (): Promise<void> => {
      await sleep(Math.max(settings.tokenIntervalMs, DROP_GRACE_MS));
      drop(response, record);
    };
    record.status = 200;
    response.writeHead(200, SSE_HEADERS);
    if (!(await writeEvent(chunk({ role: 'assistant', content: '', refusal: null }, null)))) return;
    const dropAfter = fault?.kind === 'drop-mid-stream' ? (fault.afterTokens ?? 1) : undefined;
    for (const [index, token] of tokens.entries()) {
      if (dropAfter !== undefined && index >= dropAfter) return dropLater();
      if (index > 0) await sleep(settings.tokenIntervalMs);
      const written = performance.now();
      if (!(await writeEvent(chunk({ content: token }, null)))) return;
      record.tokenWrites.push(written);
    }
    if (dropAfter !== undefined) return dropLater();
    if (!(await writeEvent(chunk({}, finishReason)))) return;
    if (includeUsage && !(await writeEvent({ ...chunk({}, null, false), usage }))) return;
    response.end('data: [DONE]\n\n');
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    let settle: () => void = () => {};
    const record: OpenAiRequestRecord = {
      endpoint: 'unknown',
      method,
      path,
      headers: { ...request.headers },
      body: undefined,
      stream: false,
      receivedAt: performance.now(),
      tokenWrites: [],
      clientAborted: false,
      droppedByStandIn: false,
      settled: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    requests.push(record);
    response.on('close', () => {
      if (!response.writableFinished && !record.droppedByStandIn && !closing) {
        record.clientAborted = true;
      }
      settle();
    });
    let text: string;
    try {
      text = await readText(request);
    } catch {
      return; // the client went away mid-upload: 'close' marks it aborted
    }
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        violation('request', record, ['request body: not valid JSON']);
        sendJson(
          response,
          record,
          400,
          errorBody('We could not parse the JSON body.', 'invalid_request_error'),
        );
        return;
      }
    }
    record.body = body;
    const match = validator.match(method, path);
    const errors = validator.validateRequest({ method, url: path, body });
    if (match === undefined) {
      violation('request', record, errors);
      const message = `Invalid URL (${method} ${path.split('?')[0]})`;
      sendJson(response, record, 404, errorBody(message, 'invalid_request_error'));
      return;
    }
    const endpoint: OpenAiEndpoint =
      match.operationId === 'createEmbedding' ? 'embeddings' : 'chat.completions';
    record.endpoint = endpoint;
    const authorization = request.headers.authorization ?? '';
    if (!/^Bearer \S+/.test(authorization)) {
      violation('request', record, ['Authorization: a Bearer API key is required']);
      const message = "You didn't provide an API key (stand-in).";
      sendJson(response, record, 401, errorBody(message, 'invalid_request_error'));
      return;
    }
    if (endpoint === 'embeddings' && errors.length === 0) {
      const input = (body as EmbeddingRequestBody).input;
      const dimensions = (body as EmbeddingRequestBody).dimensions ?? 0;
      if (input === '' || (Array.isArray(input) && input.some((item) => item === ''))) {
        errors.push('request body at /input: must not be an empty string');
      }
      if (dimensions > MAX_DIMENSIONS)
        errors.push(`request body at /dimensions: > ${MAX_DIMENSIONS}`);
    }
    if (errors.length > 0) {
      violation('request', record, errors);
      sendJson(response, record, 400, errorBody(errors.join('; '), 'invalid_request_error'));
      return;
    }
    counts[endpoint] += 1;
    record.stream = endpoint === 'chat.completions' && (body as ChatRequestBody).stream === true;
    if (endpoint === 'embeddings') {
      const { input } = body as EmbeddingRequestBody;
      const texts = (Array.isArray(input) ? input : [input]).filter(
        (item): item is string => typeof item === 'string',
      );
      const refusal = embeddingSizeRefusal(texts);
      if (refusal !== undefined) {
        sendJson(response, record, 400, errorBody(refusal.message, refusal.type, refusal.code));
        return;
      }
    }
    const fault = takeFault(endpoint);
    if (fault !== undefined) {
      record.fault = fault.kind;
      if (applyFault(fault, response, record)) return;
    }
    if (endpoint === 'embeddings')
      await serveEmbeddings(body as EmbeddingRequestBody, response, record);
    else await serveChat(body as ChatRequestBody, response, record, fault);
  };

  const server = standInServer('openai', log, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get violations() {
      return log.list;
    },
    callCount: (endpoint) => counts[endpoint],
    setFault(endpoint, fault, times) {
      if (fault === null) faults.delete(endpoint);
      else faults.set(endpoint, times === undefined ? { fault } : { fault, remaining: times });
    },
    clearFaults: () => faults.clear(),
    configure(patch) {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) Object.assign(settings, { [key]: value });
      }
    },
    assertNoViolations: () => log.assertNone(),
    clearViolations: () => log.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
