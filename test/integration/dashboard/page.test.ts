// The dashboard page of a running job in headless Chromium: the graph has the job's vertices and
// exchanges, a vertex shows its subtasks, the checkpoint table grows as checkpoints complete, an
// injected failure appears in exceptions with its restart and restored checkpoint, and the page
// logs no console error. Screenshots go to test-artifacts/dashboard/ (git-ignored).
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobClient, startJob } from '../../../src/index.ts';
import { type BrowserPage, openBrowserPage } from '../../support/browser.ts';
import { completedCheckpoints, nextEvent, noServerHandles } from '../../support/job-events.ts';
import type { DashboardJobArgs } from './dashboard.job.ts';

const job = new URL('./dashboard.job.ts', import.meta.url);
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/dashboard/', import.meta.url));
/** Hang guard of every wait on the page (the job's own events are what is waited for). */
const WAIT = { timeout: 60_000 };

let client: JobClient;
let browser: BrowserPage;
const fail = new SharedArrayBuffer(4);

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  client = await startJob<DashboardJobArgs>(job, {
    args: { ratePerSecond: 3000, fail },
    environment: {
      parallelism: 2,
      checkpointing: { intervalMs: 150 },
      restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 100 },
    },
    dashboard: { keepAlive: true },
  });
  browser = await openBrowserPage();
});

afterAll(async () => {
  await browser?.close();
  await client?.cancel();
  await client?.dashboard?.close();
  await noServerHandles();
});

async function screenshot(name: string): Promise<void> {
  const path = `${ARTIFACTS}${name}.png`;
  await browser.page.screenshot({ path, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

describe('the dashboard page', () => {
  it('shows the job graph, a vertex with its subtasks', async () => {
    const { page } = browser;
    await page.goto(client.dashboard!.url);
    const plan = client.plan();
    await page
      .locator('[data-testid=vertex]')
      .nth(plan.vertices.length - 1)
      .waitFor(WAIT);
    expect(await page.locator('[data-testid=vertex]').count()).toBe(plan.vertices.length);
    // Each edge's label is its exchange (its key in a tooltip).
    const labels = await page
      .locator('[data-testid=edge]')
      .evaluateAll((nodes) => nodes.map((n) => n.firstChild?.textContent));
    expect(labels).toEqual(plan.edges.map((e) => e.exchange.toUpperCase()));
    await page.locator('#job-state.running').waitFor(WAIT);
    // Event time reached the count: its box shows a watermark (record n has event time n).
    await page.waitForFunction(
      `/Watermark [1-9]/.test(document.querySelector('[data-vertex=totals] text.watermark')?.textContent ?? '')`,
      undefined,
      WAIT,
    );
    await page.locator('[data-vertex=totals]').click();
    await page.locator('[data-testid=vertex-subtasks] tbody tr').nth(1).waitFor(WAIT);
    expect(await page.locator('[data-testid=vertex-subtasks] tbody tr').count()).toBe(2);
    // Per subtask: bytes in (KiB or MiB once records flowed) and its watermark in.
    const cells = await page
      .locator('[data-testid=vertex-subtasks] tbody tr')
      .first()
      .evaluate((tr) => [...tr.children].map((td) => td.textContent));
    expect(cells[10]).toMatch(/^\d+(\.\d)? (B|KiB|MiB)$/);
    expect(cells[12]).toMatch(/^\d+$/);
    await screenshot('overview');
    expect(browser.errors).toEqual([]);
  });

  it('shows the checkpoint table grow as checkpoints complete, with a chart and subtask acks', async () => {
    const { page } = browser;
    await page.locator('button[data-tab=checkpoints]').click();
    const shown = async (): Promise<number> =>
      Number(await page.locator('[data-testid=checkpoints-completed]').textContent());
    await page.locator('[data-testid=checkpoints-completed]').waitFor(WAIT);
    const before = await shown();
    await completedCheckpoints(client, before + 2);
    // A page expression (this file is not type-checked against the DOM).
    await page.waitForFunction(
      `Number(document.querySelector('[data-testid=checkpoints-completed]')?.textContent) >= ${before + 2}`,
      undefined,
      WAIT,
    );
    const rows = page.locator('[data-testid=checkpoint-history] tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await page.locator('#checkpoint-chart canvas').first().waitFor(WAIT);
    await rows.first().click();
    const acks = page.locator('[data-testid=checkpoint-subtasks] tbody tr');
    await acks.first().waitFor(WAIT);
    const tasks = client.plan().vertices.reduce((n, v) => n + v.parallelism, 0);
    expect(await acks.count()).toBe(tasks);
    await screenshot('checkpoints');
    expect(browser.errors).toEqual([]);
  });

  it('shows an injected failure in exceptions with its restart and restored checkpoint', async () => {
    const { page } = browser;
    const recovered = nextEvent(client, 'recovered');
    Atomics.store(new Int32Array(fail), 0, 1);
    const [recovery] = await recovered;
    await page.locator('button[data-tab=exceptions]').click();
    const entry = page.locator('[data-testid=exception]');
    await entry.first().waitFor(WAIT);
    await page.waitForFunction(
      `document.querySelector('[data-testid=exception]')?.textContent?.includes('records flowed again')`,
      undefined,
      WAIT,
    );
    expect(await entry.count()).toBe(1);
    const text = await entry.first().textContent();
    expect(text).toContain('injected failure');
    expect(text).toContain('operator enrich (enrich)');
    expect(text).toContain('restarted after 100 ms as attempt 2');
    expect(text).toContain(`restored checkpoint ${recovery!.checkpoint!.checkpointId}`);
    expect(await page.locator('[data-testid=job-restarts]').textContent()).toBe('1');
    await screenshot('exceptions');

    await page.locator('button[data-tab=config]').click();
    await expect(page.locator('[data-testid=config-table]').textContent()).resolves.toContain(
      'checkpointing.intervalMs',
    );
    await page.locator('button[data-tab=overview]').click();
    await screenshot('dashboard');
    expect(browser.errors).toEqual([]);
  });

  it('shows the final state when the job ends and its server closes, with no console error', async () => {
    const other = await startJob<DashboardJobArgs>(job, {
      args: { ratePerSecond: 1000 },
      environment: { parallelism: 1 },
      dashboard: true,
    });
    const { page } = browser;
    await page.goto(other.dashboard!.url);
    await page.locator('#job-state.running').waitFor(WAIT);
    await other.cancel();
    await other.dashboard!.closed;
    await page.locator('#job-state.cancelled').waitFor(WAIT);
    expect(browser.errors).toEqual([]);
  });
});
