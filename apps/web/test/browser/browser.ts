import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO } from './web-build.ts';

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = process.env.DATABRIDGE_TEST_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots and results of the browser tests (git ignores test-artifacts/). */
export const ARTIFACTS = join(REPO, 'test-artifacts', 'browser');

export interface Browser {
  readonly context: BrowserContext;
  /** A new tab at 1280x800; it accepts `beforeunload` prompts and records uncaught page errors. */
  newPage(): Promise<Page>;
  /** Saves a full-window screenshot as test-artifacts/browser/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
  /** Uncaught errors in any page, in order. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Chromium with a fresh profile in a temporary folder; empties the screenshots folder. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'databridge-chromium-'));
  // Each run's screenshots replace the last run's, so that none is stale.
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('dialog', (dialog) => void dialog.accept());
  };
  context.on('page', watch);
  // A persistent context opens with one blank tab; the tests open their own.
  for (const page of context.pages()) await page.close();
  return {
    context,
    pageErrors,
    newPage: () => context.newPage(),
    async screenshot(page, name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * `named(name, body)`: a test body that, when it fails, first saves a screenshot through `shot` as
 * `failure-<name>`, so a failure shows what the page looked like.
 */
export function failureShots(shot: (name: string) => Promise<unknown>) {
  return (name: string, body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (error) {
      await shot(`failure-${name}`).catch(() => undefined);
      throw error;
    }
  };
}
