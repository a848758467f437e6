/**
 * The interactive docs at /docs in a real browser: Debian's headless Chromium, driven by
 * playwright-core, opens the page on a listening server, finds every operation of the document,
 * shows the named examples of the event body, runs one request from the page ("Try it out"), and
 * takes screenshots (docs.png, fire-project-event.png under LIXIANG_SCREENSHOT_DIR or the temp dir). The page must need nothing but this server: any other request fails the test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../machines/project.types.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the screenshot goes (not committed): LIXIANG_SCREENSHOT_DIR, or a folder under the temp dir. */
const SCREENSHOT_DIR = process.env.LIXIANG_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'lixiang-docs');

// CI installs Chromium (.ci/run); a developer without it gets a skip instead of a failure.
const haveChromium = fs.existsSync(CHROMIUM) || Boolean(process.env.CI);

let t: TestApp;
let origin: string;
let browser: Browser | undefined;

beforeAll(async () => {
  t = await createTestApp();
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
  if (haveChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t.close();
});

describe.skipIf(!haveChromium)('the docs page in Chromium', () => {
  it('lists every operation, shows the event examples, runs a request and renders', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { operationId: string; tags: string[] }>>;
    }>();
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));

    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const foreign: string[] = [];
    const errors: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 10_000 }).toBe(operations.length);

    // Every operation is on the page under its tag, with its operationId shown.
    const shown = await page.locator('.opblock-summary-operation-id').allTextContents();
    expect(new Set(shown.map((s) => s.trim()))).toEqual(new Set(operations.map((o) => o.operationId)));
    for (const operationId of ['createProject', 'fireProjectEvent', 'getMachine']) {
      const operation = operations.find((o) => o.operationId === operationId)!;
      await expect(page.locator(`#operations-${operation.tags[0]}-${operationId}`).count()).resolves.toBe(1);
    }
    await expect(page.getByText('lixiang 立项 API').first().isVisible()).resolves.toBe(true);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const overview = path.join(SCREENSHOT_DIR, 'docs.png');
    await page.screenshot({ path: overview, timeout: 15_000 });
    expect(fs.statSync(overview).size).toBeGreaterThan(20_000);

    // The event body's named examples, one per event.
    const fireEvent = page.locator('#operations-projects-fireProjectEvent');
    await fireEvent.locator('.opblock-summary').click();
    const exampleChoices = fireEvent.locator('.opblock-section-request-body .examples-select select option');
    await exampleChoices.first().waitFor({ state: 'attached', timeout: 10_000 });
    const choices = await exampleChoices.allTextContents();
    // Every event of every edition (project@2 adds 公示's reversal, the acceptance review and the selection's outcome).
    expect(choices).toHaveLength(EVENT_TYPES.length);
    expect(choices).toContain('公示期间改变立项决定 / Reverse the decision during the publicity period');
    expect(choices).toContain('提交申报 / Submit');
    expect(choices).toContain('提交评审意见 / Submit a review');
    // Its answers, problems included, with their (shared) examples resolved.
    const answers = fireEvent.locator('.responses-wrapper');
    await expect(answers.locator('.response[data-code="409"]').count()).resolves.toBe(1);
    await expect(answers.textContent()).resolves.toContain('urn:lixiang:problem:illegal-transition');

    // Try it out: the page calls the server and shows the answer.
    const machine = page.locator('#operations-meta-getMachine');
    await machine.locator('.opblock-summary').click();
    await machine.locator('button.try-out__btn').click();
    await machine.locator('button.execute').click();
    const status = machine.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.textContent())?.trim()).toBe('200');
    await expect(machine.locator('.live-responses-table .microlight').first().textContent()).resolves.toContain('"initial": "draft"');

    const request = path.join(SCREENSHOT_DIR, 'fire-project-event.png');
    await fireEvent.locator('.opblock-section-request-body').screenshot({ path: request, timeout: 15_000 });
    expect(fs.statSync(request).size).toBeGreaterThan(10_000);

    expect(foreign, 'the docs page fetched something from elsewhere').toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
