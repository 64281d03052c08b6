import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/** Adds a connection on /connections through its form and waits for its test to pass. */
export async function addConnection(
  page: Page,
  base: string,
  connection:
    | { name: string; kind: 'sqlite'; file: string }
    | { name: string; kind: 'postgres'; host: string; port: number; user: string; database: string },
): Promise<void> {
  if (!page.url().endsWith('/connections')) await page.goto(`${base}/connections`);
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a connection' }) });
  if (!(await form.isVisible())) await page.getByRole('button', { name: 'Add connection' }).click();
  await form.getByLabel('Name', { exact: true }).fill(connection.name);
  await form.getByLabel('Database', { exact: true }).selectOption(connection.kind);
  if (connection.kind === 'sqlite') {
    await form.getByLabel('Database file').fill(connection.file);
  } else {
    await form.getByLabel('Host', { exact: true }).fill(connection.host);
    await form.getByLabel('Port', { exact: true }).fill(String(connection.port));
    await form.getByLabel('User', { exact: true }).fill(connection.user);
    await form.getByLabel('Database name').fill(connection.database);
  }
  await form.getByRole('button', { name: 'Add connection' }).click();
  await page.getByText(`Added connection “${connection.name}”.`).waitFor();
  const row = page.getByRole('listitem').filter({ hasText: connection.name });
  await row.getByText(/^✓ /).waitFor({ timeout: 15_000 });
}

/** Creates a project on /projects and resolves with its id once the wizard's first step is open. */
export async function createProject(
  page: Page,
  base: string,
  project: { name: string; source: string; target: string },
): Promise<string> {
  await page.goto(`${base}/projects`);
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'New project' }) });
  if (!(await form.isVisible())) await page.getByRole('button', { name: 'New project' }).click();
  await form.getByLabel('Project name').fill(project.name);
  await selectOptionStartingWith(form.getByLabel('Source connection'), `${project.source} (`);
  await selectOptionStartingWith(form.getByLabel('Target connection'), `${project.target} (`);
  await form.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/projects\/[^/]+\/tables$/, { timeout: 30_000 });
  const id = /\/projects\/([^/]+)\/tables$/.exec(page.url())?.[1];
  assert.ok(id, page.url());
  return id;
}

/** Chooses the option of a `<select>` whose text starts with `prefix`. */
export async function selectOptionStartingWith(select: Locator, prefix: string): Promise<void> {
  const value = await select.evaluate((element, start) => {
    const options = [...(element as HTMLSelectElement).options];
    return options.find((o) => (o.textContent ?? '').startsWith(start))?.value ?? null;
  }, prefix);
  assert.ok(value !== null, `no option starts with ${prefix}`);
  await select.selectOption(value);
}

/** The bottom bar's button (Back, Save, Next, Start migration). */
export function barButton(page: Page, name: string | RegExp) {
  return page.locator('main + div').getByRole('button', { name });
}

/** Clicks Next (which saves) and waits for the step's page. */
export async function next(page: Page, slug: string): Promise<void> {
  await barButton(page, 'Next →').click();
  await page.waitForURL(new RegExp(`/${slug}$`));
}

/** The live monitor's progress bar. */
export function progressBar(page: Page) {
  return page.getByRole('progressbar', { name: 'Progress' });
}

/** Waits until the monitor shows `status` (its progress bar carries it). */
export async function waitForStatus(page: Page, status: string, timeout = 60_000): Promise<void> {
  await page.locator(`[role="progressbar"][data-status="${status}"]`).waitFor({ timeout });
}

/** The text of one of the monitor's counters (`rows`, `failed`, `success-rate`, `throughput`, `elapsed`). */
export async function metric(page: Page, name: string): Promise<string> {
  const text = await page.locator(`[data-metric="${name}"]`).textContent();
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

export const ADMIN = {
  name: 'Ada Admin',
  email: 'ada@example.com',
  password: 'a-long-browser-test-password',
};

/**
 * Signs in through the pages a person sees: the one-time setup page while no admin exists (it creates
 * the admin), the sign-in page after that. Resolves on the projects page.
 */
export async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/projects`);
  await page.waitForURL(/\/(setup|login|projects)$/);
  if (page.url().endsWith('/projects')) return;
  if (page.url().endsWith('/setup')) await page.getByLabel('Name', { exact: true }).fill(ADMIN.name);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: /^(Create admin and sign in|Sign in)$/ }).click();
  await page.waitForURL(/\/projects$/);
}

/** How long the page may take to show what a test waits for with `eventually`. */
export const BROWSER_WAIT_MS = 15_000;

/** The statuses of the monitor's six stages, in order. */
export function stageStatuses(page: Page): Promise<(string | null)[]> {
  return page.locator('[data-stage]').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
}
