/**
 * Ops follow a cancellation in the Temporal Web UI: headless Chromium (Debian's package, driven by
 * playwright-core) opens a running cancellation on the dev server's UI and finds its current
 * details (status and counts), the OpenAIBatchStatus search attribute, the pending wait activity's
 * heartbeat details (the latest read between check-ins) and, on a run with a scaled-down stuck
 * threshold, the stuck marker. Screenshots are saved to test-artifacts/ for humans.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser } from 'playwright-core';
import { getCancellationProgress, startBatchCancellation } from '../../src/client/cancellations';
import { OPENAI_BATCH_STATUS, OPENAI_BATCH_STUCK } from '../../src/contract/search-attributes';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv, uiPortOf } from '../helpers/temporal-env';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

describe('Temporal Web UI shows a running cancellation', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
    }
    env = await createDevServerEnv({ ui: true });
    // A long cancellation, so the workflow is still waiting while the browser looks at it.
    h = await createHarness(env, { timing: { cancelDelayMs: 10 * 60_000, perRequestMs: 60_000 } });
    await h.startWorker();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await env?.teardown();
  });

  it('renders current details (status, counts) and the OpenAIBatchStatus search attribute', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 120, completedFraction: 0.25 });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: { initialInterval: '1s', maxInterval: '2s' } },
      { taskQueue: h.taskQueue },
    );
    let phase = '';
    for (let i = 0; i < 50 && phase !== 'waiting'; i++) {
      phase = (await getCancellationProgress(env.client, batch.id)).phase;
      if (phase !== 'waiting') await new Promise((r) => setTimeout(r, 200));
    }
    expect(phase).toBe('waiting');
    const counts = (await getCancellationProgress(env.client, batch.id)).batch!.requestCounts;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    const runId = (await handle.describe()).runId;
    const url = `http://127.0.0.1:${uiPortOf(env)}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${runId}/history`;
    // The UI keeps polling, so the network never goes idle: wait for content instead.
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    // "User Metadata" (summary, details, current details) and "Search Attributes" are tabs on the
    // workflow page: open each, as an operator would.
    const openTab = async (name: string) => {
      const tab = page.getByText(name, { exact: true }).first();
      await tab.waitFor({ timeout: 30_000 });
      await tab.click();
    };
    await openTab('User Metadata');
    const countsLine = `${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.total} total`;
    // The UI renders user markdown (summary, details, current details) in sandboxed iframes.
    const allText = async () => {
      const texts = await Promise.all(
        page.frames().map((f) =>
          f
            .locator('body')
            .innerText({ timeout: 2_000 })
            .catch(() => ''),
        ),
      );
      return texts.join('\n');
    };
    let metadata = '';
    for (let i = 0; i < 60 && !metadata.includes(countsLine); i++) {
      metadata = await allText();
      if (!metadata.includes(countsLine)) await page.waitForTimeout(500);
    }
    expect(metadata).toContain(countsLine);
    expect(metadata).toMatch(/Status\s*cancelling/);
    expect(metadata).toContain(`Cancel OpenAI batch ${batch.id}`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-current-details.png'), fullPage: true });

    await openTab('Search Attributes');
    await page.getByText(`"${OPENAI_BATCH_STATUS.name}": "cancelling"`).first().waitFor({ timeout: 15_000 });
    const attributes = await page.locator('body').innerText();
    expect(attributes).toContain(`"${OPENAI_BATCH_STATUS.name}": "cancelling"`);
    expect(attributes).toContain(`"OpenAIBatchId": "${batch.id}"`);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-search-attributes.png'), fullPage: true });
    await handle.terminate('test done');
  }, 120_000);

  it('shows the held wait in the pending activity, its read and the stuck marker in the current details (threshold scaled to 3 s)', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 80, completedFraction: 0.5 });
    const handle = await startBatchCancellation(
      env.client,
      {
        batchId: batch.id,
        poll: { initialInterval: '500ms', backoffCoefficient: 1, maxInterval: '500ms' },
        checkInInterval: '10m',
        stuckAfter: '3s',
      },
      { taskQueue: h.taskQueue },
    );
    let progress = await getCancellationProgress(env.client, batch.id);
    for (let i = 0; i < 100 && !(progress.stuck && progress.polls >= 6); i++) {
      await new Promise((r) => setTimeout(r, 200));
      progress = await getCancellationProgress(env.client, batch.id);
    }
    expect(progress.stuck).toBe(true);
    const counts = progress.batch!.requestCounts;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    const runId = (await handle.describe()).runId;
    const base = `http://127.0.0.1:${uiPortOf(env)}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${runId}`;
    const frameText = async () =>
      (
        await Promise.all(
          page.frames().map((f) =>
            f
              .locator('body')
              .innerText({ timeout: 2_000 })
              .catch(() => ''),
          ),
        )
      ).join('\n');
    const waitForText = async (test: (text: string) => boolean) => {
      let text = '';
      for (let i = 0; i < 60 && !test(text); i++) {
        if (i > 0) await page.waitForTimeout(500);
        text = await frameText();
      }
      return text;
    };

    // Pending activities: the wait, its polls held in its first attempt. Its reads changed nothing
    // the workflow did not already show, so none was heartbeated (each would be a server write):
    // the current details below carry the status and counts.
    await page.goto(`${base}/pending-activities`, { waitUntil: 'domcontentloaded' });
    const pending = await waitForText((t) => t.includes('awaitTerminal') && t.includes('Attempt'));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-pending-activity.png'), fullPage: true });
    expect(pending).toContain('awaitTerminal');
    expect(pending).toMatch(/Attempt\W*1\W/);

    // Current details carry the stuck line; the search attribute is set for saved views.
    await page.goto(`${base}/history`, { waitUntil: 'domcontentloaded' });
    const tab = page.getByText('User Metadata', { exact: true }).first();
    await tab.waitFor({ timeout: 30_000 });
    await tab.click();
    const details = await waitForText((t) => t.includes('Stuck'));
    expect(details).toMatch(/Stuck\s*still cancelling after/);
    expect(details).toContain(`${counts.succeeded} succeeded`);
    expect(details).toContain('awaitTerminal');
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-stuck-details.png'), fullPage: true });
    const attrs = page.getByText('Search Attributes', { exact: true }).first();
    await attrs.click();
    await page.getByText(`"${OPENAI_BATCH_STUCK.name}": true`).first().waitFor({ timeout: 15_000 });
    expect(await page.locator('body').innerText()).toContain(`"${OPENAI_BATCH_STUCK.name}": true`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-stuck-attribute.png'), fullPage: true });
    await handle.terminate('test done');
  }, 120_000);
});
