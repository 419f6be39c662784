// Settings in .env first, as npm run dev reads them (the same DATA_DIR, ports and keys).
import '../dev/load-env-file.js';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dataDirOf } from '../dev/local-paths.js';
import { documentTitle } from '../lambdas/core/ingestion/document-title.js';

const USAGE = `Usage: npm run ingest -- [options] PATH...

Uploads files (.md, .markdown, .mdx, .txt, .html, .htm, .pdf) and folders (recursively) to the API
and waits until every document is ready or failed; exits 1 if any failed. Other files are
skipped and listed; a file whose content the API already holds under its title is reported
unchanged (no new version, nothing re-embedded).

  API_URL    the HTTP API (default http://127.0.0.1:4000, the local stack)
  API_KEY    an API key (default: the local stack's development key in DATA_DIR/dev-api-key)
  --concurrency N   parallel uploads (default 4)
  --timeout S       seconds to wait for indexing (default 600)
`;

const TYPES: Record<string, string> = {
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.mdx': 'text/markdown',
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.pdf': 'application/pdf',
};

interface Upload {
  path: string;
  title: string;
  id?: string;
  status: 'pending' | 'queued' | 'indexing' | 'ready' | 'failed' | 'unchanged';
  error?: string;
}

/** A file left out, and why. */
interface Skipped {
  path: string;
  reason: string;
}

/** A failure that makes every further request pointless: stop at once, say it once. */
class Fatal extends Error {}

/** A command line that cannot be run: said in one line with the usage, exit 2. */
class UsageError extends Error {}

/** A whole number of at least 1 given to `option`. */
const positiveWhole = (option: string, value: string): number => {
  if (!/^[1-9]\d*$/.test(value)) {
    throw new UsageError(`${option} ${JSON.stringify(value)}: a whole number of at least 1`);
  }
  return Number(value);
};

const OPTIONS = {
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '4' },
    timeout: { type: 'string', default: '600' },
    help: { type: 'boolean' },
  },
} as const;

const parseOptions = () => {
  let parsed: ReturnType<typeof parseArgs<typeof OPTIONS>>;
  try {
    parsed = parseArgs(OPTIONS);
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  return {
    help: values.help === true,
    positionals,
    concurrency: positiveWhole('--concurrency', values.concurrency),
    timeoutSeconds: positiveWhole('--timeout', values.timeout),
  };
};

const apiUrl = (process.env.API_URL ?? 'http://127.0.0.1:4000').replace(/\/$/, '');
const localKeyFile = join(resolve(dataDirOf(process.env)), 'dev-api-key');
const apiKey =
  process.env.API_KEY ??
  (existsSync(localKeyFile) ? readFileSync(localKeyFile, 'utf8').trim() : '');

/**
 * Lists the supported files under each path (a file's title is its path from the root given)
 * and the files left out, with the reason.
 */
const collect = async (paths: string[]): Promise<{ uploads: Upload[]; skipped: Skipped[] }> => {
  const uploads: Upload[] = [];
  const skipped: Skipped[] = [];
  // Folders entered, by their real path: a link to a folder already walked (a link to `.`)
  // would otherwise walk it again at every level.
  const entered = new Set<string>();
  const walk = async (root: string, path: string): Promise<void> => {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      // A link to a file moved away, a file removed meanwhile: left out like any other.
      skipped.push({
        path,
        reason: error.code === 'ENOENT' ? 'broken link or gone' : `unreadable (${error.code})`,
      });
      return undefined;
    });
    if (info === undefined) return;
    if (info.isDirectory()) {
      const real = await realpath(path);
      if (entered.has(real)) {
        skipped.push({ path, reason: 'a link to a folder already read' });
        return;
      }
      entered.add(real);
      for (const entry of (await readdir(path)).sort()) await walk(root, join(path, entry));
      return;
    }
    const extension = extname(path).toLowerCase();
    if (!TYPES[extension]) {
      skipped.push({
        path,
        reason: `${extension || 'no extension'}: not a supported type (${Object.keys(TYPES).join(' ')})`,
      });
      return;
    }
    if (info.size === 0) {
      skipped.push({ path, reason: 'empty file' });
      return;
    }
    const title = root === path ? basename(path) : relative(root, path).split('\\').join('/');
    uploads.push({ path, title, status: 'pending' });
  };
  for (const path of paths) {
    const absolute = resolve(path);
    const info = await stat(absolute).catch(() => {
      throw new Fatal(`${path}: no such file or folder`);
    });
    await walk(info.isDirectory() ? absolute : resolve(absolute, '..'), absolute);
  }
  // A title names one document: two files of one title would be two versions of it.
  const byTitle = new Map<string, string>();
  for (const { path, title: given } of uploads) {
    // As the API names documents: white space folded, Unicode composed.
    const title = documentTitle(given);
    const other = byTitle.get(title);
    if (other !== undefined) {
      throw new UsageError(
        `${relative(process.cwd(), other)} and ${relative(process.cwd(), path)} would both be titled ${title}, one document; give their common folder instead`,
      );
    }
    byTitle.set(title, path);
  }
  return { uploads, skipped };
};

const unreachable = (error: unknown) => {
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return new Fatal(
    `cannot reach the API at ${apiUrl}${cause ? ` (${cause})` : ''}: is \`npm run dev\` running? (or set API_URL to a running API)`,
  );
};

const request = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${apiKey}`, ...(init.headers ?? {}) },
  }).catch((error: unknown) => {
    throw unreachable(error);
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const reason = `${response.status} ${String(body.detail ?? body.title ?? response.statusText)}`;
  // The key is wrong for every file alike: one message, then stop.
  if (response.status === 401 || response.status === 403) {
    throw new Fatal(
      `the API refused the key (${reason}); set API_KEY to a key of ${apiUrl} (npm run dev prints one)`,
    );
  }
  if (!response.ok) throw new Error(reason);
  return { status: response.status, body };
};

const upload = async (item: Upload) => {
  const form = new FormData();
  const type = TYPES[extname(item.path).toLowerCase()]!;
  form.set('file', new Blob([await readFile(item.path)], { type }), basename(item.path));
  form.set('title', item.title);
  try {
    const { status, body } = await request('/v1/documents', { method: 'POST', body: form });
    item.id = String(body.id);
    // 200 `unchanged`: the API already holds this content under this title.
    item.status = status === 200 && body.unchanged === true ? 'unchanged' : 'queued';
  } catch (error) {
    if (error instanceof Fatal) throw error;
    item.status = 'failed';
    item.error = error instanceof Error ? error.message : String(error);
  }
};

/** Runs `work` over `items`, `size` at a time; the first {@link Fatal} stops every worker. */
const pool = async <T>(items: T[], size: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  let fatal: Fatal | undefined;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length && !fatal) {
        try {
          await work(items[next++]!);
        } catch (error) {
          if (!(error instanceof Fatal)) throw error;
          fatal ??= error;
        }
      }
    }),
  );
  if (fatal) throw fatal;
};

const render = (uploads: Upload[], phase: string) => {
  const count = (status: Upload['status']) => uploads.filter((u) => u.status === status).length;
  const done = count('ready') + count('failed') + count('unchanged');
  const width = 30;
  const filled = uploads.length ? Math.round((done / uploads.length) * width) : width;
  const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${uploads.length} ${phase}: ${count('ready')} ready, ${count('failed')} failed, ${count('unchanged')} unchanged, ${count('queued') + count('indexing')} indexing`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else process.stdout.write(`${line}\n`);
};

const main = async (): Promise<number> => {
  const options = parseOptions();
  const { positionals } = options;
  if (options.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return positionals.length === 0 && !options.help ? 2 : 0;
  }
  if (!apiKey)
    throw new Error(
      'no API key: set API_KEY, or start the local stack (`npm run dev`), which writes its key to .data',
    );
  const { uploads, skipped } = await collect(positionals);
  for (const item of skipped) {
    process.stdout.write(`skipped ${relative(process.cwd(), item.path)}: ${item.reason}\n`);
  }
  if (uploads.length === 0)
    throw new Error('no .md, .txt, .html or .pdf files under the given paths');
  // One cheap request first: an API that is down or a wrong URL is said once, before any upload.
  await fetch(`${apiUrl}/health`).catch((error: unknown) => {
    throw unreachable(error);
  });
  process.stdout.write(
    `Uploading ${uploads.length} documents to ${apiUrl}${skipped.length ? ` (${skipped.length} skipped)` : ''}\n`,
  );

  await pool(uploads, options.concurrency, async (item) => {
    await upload(item);
    render(uploads, 'uploading');
  });

  const deadline = Date.now() + options.timeoutSeconds * 1000;
  while (uploads.some((u) => u.status === 'queued' || u.status === 'indexing')) {
    if (Date.now() > deadline) throw new Error('timed out waiting for indexing');
    await new Promise((done) => setTimeout(done, 300));
    const pending = uploads.filter((u) => u.status === 'queued' || u.status === 'indexing');
    await pool(pending, 8, async (item) => {
      const { body } = await request(`/v1/documents/${item.id}`);
      item.status = body.status as Upload['status'];
      if (body.error) item.error = String(body.error);
    });
    render(uploads, 'indexing');
  }
  render(uploads, 'done');
  process.stdout.write('\n');
  for (const item of uploads.filter((u) => u.status === 'unchanged'))
    process.stdout.write(`unchanged: ${item.title}\n`);
  const failed = uploads.filter((u) => u.status === 'failed');
  for (const item of failed)
    process.stdout.write(`failed: ${item.title}: ${item.error ?? 'unknown'}\n`);
  return failed.length > 0 ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`ingest: ${error.message} (npm run ingest -- --help)\n`);
      process.exit(2);
    }
    process.stderr.write(`\ningest: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
