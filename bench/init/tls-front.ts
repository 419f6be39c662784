import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';

/** A self-signed certificate for 127.0.0.1 and its key, as PEM files. */
export interface SelfSignedCertificate {
  certFile: string;
  keyFile: string;
}

/**
 * Makes a self-signed certificate (P-256, a day long) for `127.0.0.1` and `localhost` in
 * `folder` with the `openssl` command; a child trusts it through `NODE_EXTRA_CA_CERTS`.
 * Node has no API that writes a certificate, hence the command.
 */
export const makeSelfSignedCertificate = (folder: string): SelfSignedCertificate => {
  const certFile = join(folder, 'stand-ins.crt');
  const keyFile = join(folder, 'stand-ins.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
};

/** A running {@link startTlsFront}. */
export interface TlsFront {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the plain HTTP server at `targetPort` over TLS: every connection is decrypted and
 * relayed, each way delayed by half of `roundTripMs` (0: loopback), so a client pays a real
 * TLS handshake and, with a delay, the round trips of a network.
 *
 * @example
 * const front = await startTlsFront(openai.port, certificate, { roundTripMs: 10 });
 */
export const startTlsFront = async (
  targetPort: number,
  certificate: SelfSignedCertificate,
  options: { roundTripMs?: number } = {},
): Promise<TlsFront> => {
  const oneWayMs = (options.roundTripMs ?? 0) / 2;
  const sockets = new Set<Socket>();
  /** Forwards each chunk at `deadline()`, which never decreases, so order is kept. */
  const relay = (deadline: () => number, write: (data: Buffer) => void) => (data: Buffer) => {
    const wait = deadline() - performance.now();
    if (wait <= 0) write(data);
    else setTimeout(() => write(data), wait);
  };
  const server: Server = createServer(
    { cert: readFileSync(certificate.certFile), key: readFileSync(certificate.keyFile) },
    (client) => {
      // A new connection costs two round trips (TCP's handshake, then TLS 1.3's) before its
      // first request gets through; afterwards each way costs half a round trip.
      const open = performance.now() + 4 * oneWayMs;
      const upstream = connect(targetPort, '127.0.0.1');
      client.on(
        'data',
        relay(
          () => Math.max(performance.now(), open) + oneWayMs,
          (data) => upstream.write(data),
        ),
      );
      upstream.on(
        'data',
        relay(
          () => performance.now() + oneWayMs,
          (data) => client.write(data),
        ),
      );
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
};
