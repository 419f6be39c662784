/**
 * Comlink ships the types of its Node adapter beside the `.mjs` file under a name TypeScript's
 * `nodenext` resolution does not look for; this re-declares them.
 */
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { MessagePort, Worker } from 'node:worker_threads';
  import type { Endpoint } from 'comlink';

  export default function nodeEndpoint(endpoint: MessagePort | Worker): Endpoint;
}
