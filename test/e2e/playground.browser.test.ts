import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { hasChromium, launchChromium } from '../support/chromium.js';
import { client } from '../support/local-stack-client.js';

const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');

const PATH_PARAMETERS_PAGE = `# Path Parameters

You can declare path "parameters" or "variables" with the same syntax used by Python format
strings. The value of the path parameter \`item_id\` will be passed to your function as the
argument \`item_id\`.

## Path parameters with types

You can declare the type of a path parameter in the function, using standard Python type
annotations. With the type declared, the path parameter is converted and validated: a request
for \`/items/foo\` where an integer is expected gets a clear error.

## Order matters

When you create path operations, declare the fixed path \`/users/me\` before the path with a
parameter \`/users/{user_id}\`, because path operations are evaluated in order.
`;

/** What the in-page sampler saw while the answer streamed. */
interface StreamSample {
  lengths: number[];
  state: string;
}

/**
 * Records, inside the page, the length of the newest answer's text at every DOM mutation until
 * its stream ends, so that progressive rendering is observed where it happens (no polling
 * round trips). Start it before sending the question.
 */
const sampleNextAnswer = (page: Page, previousAnswers: number): Promise<StreamSample> =>
  page.evaluate(
    (previous) =>
      new Promise<StreamSample>((resolveSample, rejectSample) => {
        const lengths: number[] = [];
        const timeout = setTimeout(() => rejectSample(new Error('the answer did not end')), 20_000);
        const check = () => {
          const answers = document.querySelectorAll<HTMLElement>('[data-testid="answer"]');
          const answer = answers.length > previous ? answers[answers.length - 1] : undefined;
          if (!answer) return;
          const text = answer.querySelector('[data-testid="answer-text"]')?.textContent ?? '';
          if (lengths.at(-1) !== text.length) lengths.push(text.length);
          const state = answer.dataset.state ?? '';
          if (state !== 'streaming') {
            observer.disconnect();
            clearTimeout(timeout);
            resolveSample({ lengths, state });
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
          attributes: true,
          attributeFilter: ['data-state'],
        });
      }),
    previousAnswers,
  );

describe.skipIf(!hasChromium())('the playground in a real browser', () => {
  let stack: LocalStack;
  let browser: Browser;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'playground-e2e-'));
    const [started, launched] = await Promise.all([
      startLocalStack({
        port: 0,
        streamPort: 0,
        dataDir: join(workDir, 'data'),
        logLevel: 'SILENT',
        offlineTokenDelayMs: 15,
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

  it('uploads a document, streams a cited answer progressively, and lists the session', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(15_000);

    await page.goto(`${stack.apiUrl}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await expect(page.getByTestId('connection').textContent()).resolves.toContain(
      stack.apiKey.slice(-4),
    );

    // Upload: the status goes live until the indexer has the document ready.
    const file = join(workDir, 'path-parameters.md');
    await writeFile(file, PATH_PARAMETERS_PAGE);
    await page.getByTestId('upload-input').setInputFiles(file);
    const row = page.locator('li.document', { hasText: 'path-parameters' });
    const status = row.getByTestId('document-status');
    await expect
      .poll(() => status.getAttribute('data-status'), { timeout: 15_000, interval: 100 })
      .toBe('ready');
    await expect(row.textContent()).resolves.toMatch(/\d+ chunks?/);
    const documentId = await row.getAttribute('data-document-id');
    expect(documentId).toMatch(/^[0-9a-f-]{36}$/);

    // Ask: tokens must be seen arriving, not only the finished answer.
    const sample = sampleNextAnswer(page, 0);
    await page.getByTestId('message-input').fill('How do I declare path parameters?');
    await page.getByTestId('send').click();
    const { lengths, state } = await sample;
    const errors = (await page.getByTestId('errors').textContent()) ?? '';
    expect(state, `the page showed: ${errors}`).toBe('done');
    const final = lengths.at(-1) ?? 0;
    const intermediate = new Set(lengths.filter((length) => length > 0 && length < final));
    expect(final).toBeGreaterThan(0);
    expect(intermediate.size).toBeGreaterThanOrEqual(3);

    // The answer cites the uploaded document, shown as a numbered source.
    const answer = page.getByTestId('answer').last();
    await expect(answer.getByTestId('answer-text').textContent()).resolves.toMatch(/\[\d+\]/);
    const citation = answer.locator(`[data-testid="source"][data-document-id="${documentId}"]`);
    await expect(citation.count()).resolves.toBeGreaterThan(0);
    await expect(citation.first().textContent()).resolves.toContain('path-parameters');
    await expect(answer.getByTestId('answer-meta').textContent()).resolves.toContain('offline');

    // The new session is listed and marked current.
    const session = page.getByTestId('session-list').locator('li');
    await expect.poll(() => session.count()).toBe(1);
    await expect(session.first().locator('[aria-current="true"]').count()).resolves.toBe(1);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 30_000);

  it('reloaded mid-answer, resumes the answer from the stream and shows it whole', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const resumeStatuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/stream')) resumeStatuses.push(response.status());
    });
    page.setDefaultTimeout(15_000);
    await page.goto(`${stack.apiUrl}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByTestId('new-chat').click();

    await page
      .getByTestId('message-input')
      .fill('How are path parameters declared, typed, validated and ordered?');
    await page.getByTestId('send').click();
    const streaming = page.locator('[data-testid="answer"][data-state="streaming"]');
    await expect
      .poll(async () => ((await streaming.getByTestId('answer-text').textContent()) ?? '').length, {
        interval: 5,
      })
      .toBeGreaterThan(0);
    const seenBefore = (await streaming.getByTestId('answer-text').textContent()) ?? '';
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    const answer = page.getByTestId('answer').last();
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 15_000 }).toBe('done');

    const shown = (await answer.getByTestId('answer-text').textContent()) ?? '';
    const sessionId = await page.evaluate(
      () => JSON.parse(localStorage.getItem('rag-api-playground.chat') ?? '{}').sessionId,
    );
    const stored = (await client(stack, stack.apiKey).json('GET', `/v1/sessions/${sessionId}`))
      .body as { items: { role: string; content: string; incomplete?: boolean }[] };
    expect(resumeStatuses).toEqual([200]);
    expect(shown.startsWith(seenBefore)).toBe(true);
    expect(shown.length).toBeGreaterThan(seenBefore.length);
    expect(stored.items).toHaveLength(2);
    expect(stored.items[0]).toMatchObject({ role: 'assistant', content: shown });
    expect(stored.items[0]?.incomplete).toBeUndefined();
    await expect(page.getByTestId('question').last().textContent()).resolves.toBe(
      'How are path parameters declared, typed, validated and ordered?',
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 30_000);

  it('stops an answer with the Stop button through the stop route, keeping what was said', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const stopStatuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/stop')) stopStatuses.push(response.status());
    });
    page.setDefaultTimeout(15_000);
    await page.goto(`${stack.apiUrl}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByTestId('new-chat').click();
    await page.getByTestId('message-input').fill('How are path parameters declared and ordered?');
    await page.getByTestId('send').click();
    const streaming = page.locator('[data-testid="answer"][data-state="streaming"]');
    await expect
      .poll(async () => ((await streaming.getByTestId('answer-text').textContent()) ?? '').length, {
        interval: 5,
      })
      .toBeGreaterThan(0);

    await page.getByTestId('stop').click();
    const answer = page.getByTestId('answer').last();
    await expect.poll(() => answer.getAttribute('data-state')).toBe('stopped');

    const shown = (await answer.getByTestId('answer-text').textContent()) ?? '';
    const sessionId = await page.evaluate(
      () => JSON.parse(localStorage.getItem('rag-api-playground.chat') ?? '{}').sessionId,
    );
    const stored = (await client(stack, stack.apiKey).json('GET', `/v1/sessions/${sessionId}`))
      .body as { items: { role: string; content: string; incomplete?: boolean }[] };
    expect(stopStatuses).toEqual([202]);
    expect(stored.items[0]).toMatchObject({ role: 'assistant', content: shown, incomplete: true });
    await page.close();
  }, 30_000);
});
