import { connect, type Socket } from 'node:net';

/** What came back on a raw connection: the status line's code (0 if none) and every byte read. */
export interface SocketReply {
  status: number;
  text: string;
  /** The body after the head, when a head arrived. */
  body: string;
  /** The server closed (or reset) the connection. */
  closed: boolean;
}

/**
 * A raw TCP connection to a local server, for what an HTTP client will not do: cut a body off,
 * stall mid-headers, reset the connection, or keep sending after the server has answered.
 * Every byte the server sends is collected; `reply()` waits for a whole answer or the close.
 *
 * @example
 * const socket = await rawSocket('http://127.0.0.1:3000');
 * socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\r\n');
 * const { status } = await socket.reply();
 */
export const rawSocket = async (baseUrl: string) => {
  const { hostname, port } = new URL(baseUrl);
  const socket: Socket = await new Promise((resolve, reject) => {
    const opened = connect(Number(port), hostname, () => resolve(opened));
    opened.once('error', reject);
  });
  const received: Buffer[] = [];
  let closed = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  socket.on('data', (chunk: Buffer) => {
    received.push(chunk);
    wake();
  });
  // A reset after the answer is a normal end here; the test reads what arrived before it.
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    wake();
  });

  const snapshot = (): SocketReply => {
    const text = Buffer.concat(received).toString('utf8');
    const headEnd = text.indexOf('\r\n\r\n');
    return {
      status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
      text,
      body: headEnd === -1 ? '' : text.slice(headEnd + 4),
      closed,
    };
  };
  const complete = (reply: SocketReply) => {
    if (reply.closed) return true;
    const length = /\r\ncontent-length: *(\d+)/i.exec(reply.text)?.[1];
    return (
      reply.status > 0 && length !== undefined && Buffer.byteLength(reply.body) >= Number(length)
    );
  };
  /** Resolves once `done` holds for what was read, or after `timeoutMs` with what there is. */
  const until = (done: (reply: SocketReply) => boolean, timeoutMs: number) =>
    new Promise<SocketReply>((resolve) => {
      const check = () => {
        const reply = snapshot();
        if (!done(reply)) return;
        finish(reply);
      };
      const finish = (reply: SocketReply) => {
        waiters.delete(check);
        clearTimeout(timer);
        resolve(reply);
      };
      const timer = setTimeout(() => finish(snapshot()), timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    socket,
    /** Writes and waits until the kernel has taken the bytes (so pacing is real). */
    write: (data: string | Buffer) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed || socket.write(data)) {
          resolve();
          return;
        }
        socket.once('drain', resolve);
        socket.once('close', resolve);
      }),
    snapshot,
    /** The whole answer (head and `Content-Length` body), or what arrived before the close. */
    reply: (timeoutMs = 10_000) => until(complete, timeoutMs),
    /** What arrived once the server closed the connection (or after `timeoutMs`). */
    closed: (timeoutMs = 10_000) => until((reply) => reply.closed, timeoutMs),
    /** Waits until the status line of an answer has arrived. */
    answered: (timeoutMs = 10_000) => until((reply) => reply.status > 0 || reply.closed, timeoutMs),
    /** Abrupt close: a TCP reset, as a crashed client or a dropped network would leave. */
    reset: () => socket.resetAndDestroy(),
    end: () => socket.end(),
  };
};

/** The client {@link rawSocket} resolves to. */
export type RawSocket = Awaited<ReturnType<typeof rawSocket>>;
