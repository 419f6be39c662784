import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { hasChromium, launchChromium } from '../support/chromium.js';

const GUIDE = Array.from(
  { length: 6 },
  (_, index) =>
    `## Part ${index}\n\n${`Part ${index} explains one step of the guide in plain words. `.repeat(40)}`,
).join('\n\n');

/** A page that records every console error and uncaught exception. */
const openPage = async (browser: Browser, url: string) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  return { page, problems };
};

const inViewport = (page: Page, selector: string) =>
  page.evaluate((css) => {
    const box = document.querySelector(css)?.getBoundingClientRect();
    return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight;
  }, selector);

describe.skipIf(!hasChromium())('the playground and the docs in a real browser', () => {
  let stack: LocalStack;
  let browser: Browser;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'playground-documents-'));
    const [started, launched] = await Promise.all([
      startLocalStack({
        port: 0,
        streamPort: 0,
        dataDir: join(workDir, 'data'),
        logLevel: 'SILENT',
      }),
      launchChromium(),
    ]);
    stack = started;
    browser = launched;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("shows a document's chunks, deletes it, and logs no console error", async () => {
    // Enough sessions to fill the Sessions panel: the Documents panel must stay in view.
    for (let index = 0; index < 14; index += 1) {
      await fetch(`${stack.apiUrl}/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: `Question number ${index}?` }),
      });
    }
    const { page, problems } = await openPage(browser, `${stack.apiUrl}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await expect.poll(() => page.getByTestId('session-list').locator('li').count()).toBe(14);

    expect(await inViewport(page, '#documents-heading')).toBe(true);
    expect(await inViewport(page, '#upload-input')).toBe(true);

    const file = join(workDir, 'guide.md');
    await writeFile(file, GUIDE);
    await page.getByTestId('upload-input').setInputFiles(file);
    const row = page.locator('li.document', { hasText: 'guide' });
    await expect
      .poll(() => row.getByTestId('document-status').getAttribute('data-status'), {
        timeout: 15_000,
        interval: 100,
      })
      .toBe('ready');
    const detail = (await row.locator('.document-detail').textContent()) ?? '';
    const chunkCount = Number(/(\d+) chunks?/.exec(detail)?.[1]);

    await row.getByTestId('document-chunks').click();
    const chunks = row.getByTestId('chunk');
    await expect.poll(() => chunks.count()).toBe(Math.min(chunkCount, 20));
    await expect(chunks.first().textContent()).resolves.toContain('Part 0');
    await expect(row.getByTestId('document-chunks').getAttribute('aria-expanded')).resolves.toBe(
      'true',
    );

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByTestId('document-delete').click();
    await expect.poll(() => row.count()).toBe(0);
    const listing = await fetch(`${stack.apiUrl}/v1/documents`, {
      headers: { authorization: `Bearer ${stack.apiKey}` },
    });
    expect(((await listing.json()) as { items: unknown[] }).items).toEqual([]);

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("runs Swagger's Try it out against the local stack, with no console error", async () => {
    const { page, problems } = await openPage(browser, `${stack.apiUrl}/docs`);
    await page.locator('.swagger-ui .information-container').waitFor();

    await page.locator('button.authorize').first().click();
    await page.locator('.auth-container input').first().fill(stack.apiKey);
    await page.locator('.auth-btn-wrapper button.authorize').click();
    await page.locator('.auth-btn-wrapper button.btn-done').click();

    const operation = page.locator('#operations-Sessions-listSessions');
    await operation.locator('.opblock-summary').click();
    // The docs page opens every operation in "Try it out" mode (tryItOutEnabled).
    await operation.locator('button.execute').click();
    const status = operation
      .locator('.live-responses-table tr.response .response-col_status')
      .first();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/^\s*200/);
    const url = await operation.locator('.request-url pre').textContent();

    expect(url).toBe(`${stack.apiUrl}/v1/sessions?limit=20`);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
