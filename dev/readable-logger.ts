import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import { ACCESS_LOG_MESSAGE } from '../lambdas/http/access-log.js';

/** Keys every Powertools line carries that say nothing on one machine. */
const CONTEXT_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'correlation_id',
  'xray_trace_id',
]);

/** Longest value printed for one key; the rest of a long value is cut. */
const MAX_VALUE_CHARS = 160;

const cut = (text: string) =>
  text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;

const isError = (value: unknown): value is { name?: string; message?: string } =>
  typeof value === 'object' && value !== null && 'message' in value && 'stack' in value;

/** One value as a short string: an error by its name and message, never its stack or metadata. */
const summarise = (value: unknown): string => {
  if (typeof value === 'string') return cut(value.replace(/\s+/g, ' '));
  if (isError(value)) {
    // A misconfigured dependency's client sees a short problem: what differs is its cause.
    const cause = (value as { cause?: unknown }).cause;
    const why = isError(cause) ? ` (${cut(String(cause.message ?? ''))})` : '';
    return `${cut(`${value.name ?? 'Error'}: ${String(value.message ?? '')}`)}${why}`;
  }
  return cut(JSON.stringify(value) ?? String(value));
};

const time = (timestamp: unknown) =>
  typeof timestamp === 'string' ? timestamp.slice(11, 23) : new Date().toISOString().slice(11, 23);

/**
 * Formats one Powertools log item as one short, readable line: an access line as
 * `GET /v1/documents 202 12 ms tenant=local`, anything else as its level, message and
 * `key=value` pairs, with errors reduced to their name and message.
 *
 * @example
 * readableLine({ level: 'INFO', message: 'request', method: 'GET', path: '/health', status: 200, durationMs: 3 })
 * // '09:30:00.000 GET /health 200 3 ms'
 */
export const readableLine = (attributes: Record<string, unknown>): string =>
  printable(lineOf(attributes));

/**
 * The line with every control character escaped (`\u001b`): a client's text in a log line (a
 * problem's detail quoting its media type, a path) must not clear the terminal or print a
 * forged line.
 */
const printable = (line: string): string =>
  line.replace(
    /\p{Cc}/gu,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const lineOf = (attributes: Record<string, unknown>): string => {
  const { method, path, status, durationMs, tenant, detail } = attributes;
  if (attributes.message === ACCESS_LOG_MESSAGE && method && path) {
    return [
      time(attributes.timestamp),
      method,
      path,
      status,
      durationMs === undefined ? '' : `${durationMs} ms`,
      tenant ? `tenant=${tenant}` : '',
      detail ? `· ${summarise(detail)}` : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
  }
  const pairs = Object.entries(attributes)
    .filter(([key, value]) => !CONTEXT_KEYS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${summarise(value)}`);
  return [
    time(attributes.timestamp),
    String(attributes.level ?? '').padEnd(5),
    attributes.message,
    ...pairs,
  ].join(' ');
};

/**
 * The local stack's logger: Powertools' Logger (same levels, same calls as in AWS) printing
 * each item as one readable line instead of a JSON document, so `npm run dev` shows one line
 * per request and a failing dependency as one short line rather than kilobytes of JSON.
 */
export class ReadableLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const line = `${readableLine(log.getAttributes())}\n`;
    // WARN (16) and above go to stderr, as Powertools sends them to console.warn/error.
    if (logLevel >= 16) process.stderr.write(line);
    else process.stdout.write(line);
  }
}
