import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** When an HTTP server of this process started and finished answering one request. */
export interface ServedRequest {
  /** Port of the server that answered. */
  port: number;
  method: string;
  url: string;
  /** `performance.now()` when the request's head was parsed. */
  start: number;
  /** `performance.now()` when the last byte of the reply was handed to the OS. */
  finish?: number;
}

interface ServerMessage {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

const isServerMessage = (message: unknown): message is ServerMessage =>
  typeof message === 'object' && message !== null && 'request' in message && 'server' in message;

const portOf = (server: Server): number => (server.address() as AddressInfo | null)?.port ?? 0;

/**
 * Records, through Node's `http.server.request.start` and `http.server.response.finish`
 * diagnostics channels, when every HTTP server of this process (the stand-ins included)
 * received each request and finished its reply: the servers' own latencies, measured on the
 * same clock as `performance.now()` without touching their code.
 *
 * @example
 * const timings = new ServerTimings();
 * // … requests …
 * timings.between(t0, t1).filter((r) => r.port === standInPort);
 * timings.close();
 */
export class ServerTimings {
  readonly #requests: ServedRequest[] = [];
  readonly #open = new WeakMap<IncomingMessage, ServedRequest>();

  readonly #onStart = (message: unknown): void => {
    if (!isServerMessage(message)) return;
    const record: ServedRequest = {
      port: portOf(message.server),
      method: message.request.method ?? '',
      url: message.request.url ?? '',
      start: performance.now(),
    };
    this.#open.set(message.request, record);
    this.#requests.push(record);
  };

  readonly #onFinish = (message: unknown): void => {
    if (!isServerMessage(message)) return;
    const record = this.#open.get(message.request);
    if (record) record.finish = performance.now();
  };

  constructor() {
    subscribe('http.server.request.start', this.#onStart);
    subscribe('http.server.response.finish', this.#onFinish);
  }

  /** Requests received in `[from, to)`. */
  between(from: number, to: number): ServedRequest[] {
    return this.#requests.filter((request) => request.start >= from && request.start < to);
  }

  /** Forgets what was recorded so far (long runs). */
  clear(): void {
    this.#requests.length = 0;
  }

  /** Stops recording. */
  close(): void {
    unsubscribe('http.server.request.start', this.#onStart);
    unsubscribe('http.server.response.finish', this.#onFinish);
  }
}

/**
 * Total length of the union of `intervals`, each clipped to `[from, to]`: how long at least
 * one of them was running.
 *
 * @example
 * busyTime([[0, 10], [5, 15], [20, 25]], 0, 100); // 20
 */
export const busyTime = (
  intervals: readonly (readonly [number, number])[],
  from: number,
  to: number,
): number => {
  const clipped = intervals
    .map(([start, end]) => [Math.max(start, from), Math.min(end, to)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cursor = from;
  for (const [start, end] of clipped) {
    const begin = Math.max(start, cursor);
    if (end > begin) total += end - begin;
    cursor = Math.max(cursor, end);
  }
  return total;
};
