import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { documentsOf, ingest } from '../support/ingest-script.js';

describe('npm run ingest on folders with links and folded titles', () => {
  let stack: LocalStack;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rag-ingest-links-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      blobPort: 0,
      dataDir: join(dir, 'data'),
      logLevel: 'SILENT',
    });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not report two files ready when the API stores them as one document (names differing only in white space)', async () => {
    // Arrange: two different files whose names differ only by a doubled space
    const key = await stack.issueApiKey('whitespace-titles');
    const folder = join(dir, 'whitespace');
    mkdirSync(folder);
    writeFileSync(join(folder, 'release notes.md'), '# Release\n\nVersion one shipped in May.\n');
    writeFileSync(join(folder, 'release  notes.md'), '# Release\n\nVersion two shipped in June.\n');

    // Act
    const run = await ingest({ API_URL: stack.apiUrl, API_KEY: key }, folder);

    // Assert: 2 files reported ready, so 2 documents (or a refusal naming the clash)
    const documents = await documentsOf(stack, key);
    if (run.code === 0) {
      expect(run.stdout).toMatch(/2 ready/);
      expect(documents).toHaveLength(2);
    } else {
      expect(run.stderr).toMatch(/release {1,2}notes\.md/);
    }
  });

  it('uploads a folder holding a symbolic link to itself once, not once per level of the loop', async () => {
    // Arrange: a link back to the folder (as `ln -s . current` leaves behind)
    const key = await stack.issueApiKey('link-loop');
    const folder = join(dir, 'with-loop');
    mkdirSync(folder);
    writeFileSync(join(folder, 'guide.md'), '# Guide\n\nHow to start.\n');
    symlinkSync('.', join(folder, 'current'));

    // Act
    const run = await ingest({ API_URL: stack.apiUrl, API_KEY: key }, folder);

    // Assert
    const titles = (await documentsOf(stack, key)).map((document) => document.title);
    expect({ documents: titles.length, code: run.code }).toEqual({ documents: 1, code: 0 });
  });
});
