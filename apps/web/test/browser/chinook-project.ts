import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type Browser, launchBrowser } from './browser.ts';
import { chinookSourceFile, chinookTarget, type TestDatabase } from './databases.ts';
import { ensureWebBuild } from './web-build.ts';
import { startWebServer, type WebServer } from './web-server.ts';
import { addConnection, createProject, signIn } from './wizard.ts';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

export interface ChinookProject {
  readonly browser: Browser;
  readonly page: Page;
  readonly base: string;
  readonly projectId: string;
  /** The PostgreSQL warehouse the project loads into. */
  readonly target: TestDatabase;
  close(): Promise<void>;
}

/**
 * The built app on a fresh data folder, signed in, with the Chinook SQLite file and a fresh
 * PostgreSQL warehouse as connections and a project between them, open at step 1.
 */
export async function openChinookProject(folderPrefix: string, name: string): Promise<ChinookProject> {
  await ensureWebBuild();
  const dataDir = mkdtempSync(join(tmpdir(), folderPrefix));
  const databases: TestDatabase[] = [];
  let server: WebServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.stop();
    await Promise.allSettled(databases.map((d) => d.drop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    server = await startWebServer(dataDir);
    const base = server.url;
    browser = await launchBrowser();
    const page = await browser.newPage();
    await signIn(page, base);
    const source = chinookSourceFile();
    const target = await chinookTarget();
    databases.push(source, target);
    await addConnection(page, base, { name: 'chinook', kind: 'sqlite', file: source.name });
    await addConnection(page, base, { name: 'warehouse', kind: 'postgres', ...PG, database: target.name });
    const projectId = await createProject(page, base, { name, source: 'chinook', target: 'warehouse' });
    await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
    return { browser, page, base, projectId, target, close };
  } catch (error) {
    await close();
    throw error;
  }
}
