/** Helpers of the `npm run ingest` specs: the script run as a user runs it, and what it stored. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalStack } from '../../dev/local-stack.js';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

/** Runs `npm run ingest` as a user would; resolves with its exit code and output. */
export const ingest = (env: Record<string, string>, ...args: string[]) =>
  exec(process.execPath, ['--import', 'tsx', 'scripts/ingest.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    timeout: 120_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

/** The documents of the tenant `key` names, as the API lists them (first 100). */
export const documentsOf = async (stack: LocalStack, key: string) => {
  const response = await fetch(`${stack.apiUrl}/v1/documents?limit=100`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return ((await response.json()) as { items: { id: string; title: string; version: number }[] })
    .items;
};
