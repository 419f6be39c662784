/** The local HTTP API's default port: not 3000, which Next.js and Create React App take. */
export const DEFAULT_API_PORT = 4000;

/** The local streaming function URL's default port. */
export const DEFAULT_STREAM_PORT = 4001;

/** The default port of the local S3 endpoint that presigned upload URLs point at. */
export const DEFAULT_BLOB_PORT = 4002;

/**
 * Browser origins the local stack allows besides the playground's own when `CORS_ORIGINS` is
 * not set: the dev servers of Vite (5173) and Next.js (3000), under both loopback names.
 */
export const DEFAULT_DEV_ORIGINS: readonly string[] = [
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:3000',
  'http://127.0.0.1:3000',
];

/**
 * The offline model's default pause before each streamed word under `npm run dev`, in ms: about
 * the pace of a hosted model, so "watch the tokens arrive" shows them arrive. Tests and
 * `startLocalStack` keep 0 unless asked.
 */
export const DEFAULT_DEV_TOKEN_DELAY_MS = 30;

/**
 * The origins the local stack allows: the playground's (the API's own origin, under both
 * loopback names) and those of `CORS_ORIGINS`, or {@link DEFAULT_DEV_ORIGINS} when it is unset.
 *
 * @example
 * localCorsOrigins(4000, undefined)
 * // ['http://127.0.0.1:4000', 'http://localhost:4000', 'http://localhost:5173', …]
 */
export const localCorsOrigins = (apiPort: number, configured: string | undefined): string[] => {
  const extra =
    configured === undefined
      ? DEFAULT_DEV_ORIGINS
      : configured
          .split(',')
          .map((origin) => origin.trim().replace(/\/$/, ''))
          .filter(Boolean);
  return [...new Set([`http://127.0.0.1:${apiPort}`, `http://localhost:${apiPort}`, ...extra])];
};
