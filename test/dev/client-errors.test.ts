import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrorsAsProblems } from '../../dev/client-errors.js';

/** Sends `request` as raw bytes and resolves with everything the server wrote back. */
const rawExchange = (port: number, request: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.end(request);
  });

const statusOf = (reply: string) => Number(reply.split(' ', 2)[1]);
const problemOf = (reply: string) => JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));

describe('answerClientErrorsAsProblems', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer({ maxHeaderSize: 4_096 }, (_, response) => response.end('ok'));
    answerClientErrorsAsProblems(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers headers over the limit with a 431 problem', async () => {
    const reply = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8_000)}\r\n\r\n`,
    );

    expect(statusOf(reply)).toBe(431);
    expect(reply).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
    expect(problemOf(reply)).toMatchObject({ status: 431 });
  });

  it('answers a request Node cannot parse (an unknown method) with a 400 problem', async () => {
    const reply = await rawExchange(port, 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n');

    expect(statusOf(reply)).toBe(400);
    expect(problemOf(reply)).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('answers an expectation other than 100-continue with a 417 problem', async () => {
    const reply = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    );

    expect(statusOf(reply)).toBe(417);
    expect(problemOf(reply)).toMatchObject({ status: 417 });
  });

  it('leaves a well-formed request to the listener', async () => {
    const reply = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');

    expect(statusOf(reply)).toBe(200);
  });
});
