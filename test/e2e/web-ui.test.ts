/**
 * Ops follow a cancellation in the Temporal Web UI: headless Chromium (Debian's package, driven by
 * playwright-core) opens a running cancellation on the dev server's UI and finds its current
 * details (status and counts) and the OpenAIBatchStatus search attribute. A screenshot is saved to
 * test-artifacts/ for humans.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser } from 'playwright-core';
import { getCancellationProgress, startBatchCancellation } from '../../src/client';
import { OPENAI_BATCH_STATUS } from '../../src/shared/search-attributes';
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
    const countsLine = `${counts.completed} completed, ${counts.failed} failed, ${counts.total} total`;
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
});
