// Debian's Chromium, headless, driven by playwright-core: never a downloaded browser. `.ci/run`
// installs the `chromium` package when /usr/bin/chromium is missing; WEIR_CHROMIUM names another
// executable. Every launch gets a fresh profile directory, removed on close, and records the page's
// console errors and uncaught exceptions (a page with either fails its test).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env['WEIR_CHROMIUM'] ?? '/usr/bin/chromium';

/** A page in a fresh headless browser, with what it logged as errors. */
export interface BrowserPage {
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openBrowserPage(): Promise<BrowserPage> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set WEIR_CHROMIUM`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'weir-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
      viewport: { width: 1280, height: 800 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return {
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
