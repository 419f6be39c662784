import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { documentsOf, ingest } from '../support/ingest-script.js';

describe('npm run ingest, on options and inputs a newcomer gets wrong', () => {
  let stack: LocalStack;
  let dir: string;
  let corpus: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rag-test-ingest-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir: join(dir, 'data'),
      logLevel: 'SILENT',
    });
    corpus = join(dir, 'corpus');
    mkdirSync(corpus);
    writeFileSync(join(corpus, 'a.md'), '# Alpha\n\nThe alpha page.\n');
    writeFileSync(join(corpus, 'b.txt'), 'The beta page.\n');
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['0', 'abc'])(
    'refuses --concurrency %s instead of uploading nothing and exiting 0',
    async (concurrency) => {
      // Arrange
      const key = await stack.issueApiKey(`concurrency-${concurrency === '0' ? 'zero' : 'nan'}`);

      // Act
      const run = await ingest(
        { API_URL: stack.apiUrl, API_KEY: key },
        '--concurrency',
        concurrency,
        corpus,
      );

      // Assert: either the option is refused (exit != 0, naming it), or the files are uploaded.
      const uploaded = (await documentsOf(stack, key)).length;
      expect({ code: run.code, uploaded }).not.toEqual({ code: 0, uploaded: 0 });
      if (run.code !== 0) expect(run.stderr).toMatch(/--concurrency/);
    },
  );

  it('skips a dangling symlink and still uploads the other files', async () => {
    // Arrange
    const key = await stack.issueApiKey('dangling-link');
    const folder = join(dir, 'with-dangling-link');
    mkdirSync(folder);
    writeFileSync(join(folder, 'guide.md'), '# Guide\n\nHow to start.\n');
    symlinkSync(join(folder, 'moved-away.md'), join(folder, 'old-notes.md'));

    // Act
    const run = await ingest({ API_URL: stack.apiUrl, API_KEY: key }, folder);

    // Assert
    expect(run.stderr).not.toMatch(/ENOENT/);
    expect(run.code).toBe(0);
    expect((await documentsOf(stack, key)).map((document) => document.title)).toEqual(['guide.md']);
  });

  it('keeps both files when two folders given hold the same file name', async () => {
    // Arrange
    const key = await stack.issueApiKey('same-name');
    const v1 = join(dir, 'docs-v1');
    const v2 = join(dir, 'docs-v2');
    mkdirSync(v1);
    mkdirSync(v2);
    writeFileSync(join(v1, 'intro.md'), '# Intro\n\nVersion one of the product.\n');
    writeFileSync(join(v2, 'intro.md'), '# Intro\n\nVersion two of the product.\n');

    // Act
    const run = await ingest({ API_URL: stack.apiUrl, API_KEY: key }, v1, v2);

    // Assert: 2 files reported ready, so 2 documents (or a refusal naming the clash).
    const documents = await documentsOf(stack, key);
    if (run.code === 0) {
      expect(run.stdout).toMatch(/2 ready/);
      expect(documents).toHaveLength(2);
    } else {
      expect(run.stderr).toMatch(/intro\.md/);
    }
  });
});
