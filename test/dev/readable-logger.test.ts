import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReadableLogger, readableLine } from '../../dev/readable-logger.js';

describe('readableLine', () => {
  it('prints an access line as method, path, status, duration and tenant', () => {
    const line = readableLine({
      level: 'INFO',
      message: 'request',
      timestamp: '2026-01-15T09:30:00.123Z',
      method: 'POST',
      path: '/v1/documents',
      status: 202,
      durationMs: 12,
      tenant: 'local',
    });

    expect(line).toBe('09:30:00.123 POST /v1/documents 202 12 ms tenant=local');
  });

  it('reduces an error to its name and message, however much metadata it carries', () => {
    const error = {
      name: 'TimeoutError',
      message: 'connect ETIMEDOUT 10.0.0.1:443',
      stack: 'TimeoutError: connect ETIMEDOUT\n    at …'.repeat(100),
      $metadata: { attempts: 3, payload: 'x'.repeat(5_000) },
    };

    const line = readableLine({
      level: 'WARN',
      message: 'record failed; the queue will retry it',
      timestamp: '2026-01-15T09:30:00.123Z',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      documentId: 'doc-1',
      error,
    });

    expect(line).toBe(
      '09:30:00.123 WARN  record failed; the queue will retry it documentId=doc-1 error=TimeoutError: connect ETIMEDOUT 10.0.0.1:443',
    );
  });

  it("adds an error's cause, where a misconfigured dependency says what differs", () => {
    const cause = { name: 'Error', message: 'collection chunks-x does not exist', stack: '…' };
    const error = { name: 'DependencyError', message: 'qdrant: not set up', stack: '…', cause };

    const line = readableLine({ level: 'ERROR', message: 'request failed', error });

    expect(line).toMatch(
      /error=DependencyError: qdrant: not set up \(collection chunks-x does not exist\)$/,
    );
  });

  it('cuts a long value', () => {
    const line = readableLine({ level: 'INFO', message: 'm', report: { text: 'y'.repeat(5_000) } });

    expect(line.length).toBeLessThan(300);
  });
});

describe('ReadableLogger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes each log call as one line', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const logger = new ReadableLogger({ serviceName: 'test', logLevel: 'INFO' });

    logger.info('request', { method: 'GET', path: '/health', status: 200, durationMs: 1 });

    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET \/health 200 1 ms\n$/);
  });
});
