import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const WEB_DIR = join(import.meta.dirname, '../..');
export const REPO = join(WEB_DIR, '../..');

/** What a build of the web app is made from: its sources, its configuration and the packages it bundles. */
function buildInputs(): string[] {
  const packages = join(REPO, 'packages');
  return [
    join(WEB_DIR, 'app'),
    join(WEB_DIR, 'lib'),
    join(WEB_DIR, 'next.config.ts'),
    join(WEB_DIR, 'postcss.config.mjs'),
    join(WEB_DIR, 'package.json'),
    ...readdirSync(packages).map((p) => join(packages, p, 'src')),
  ];
}

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/** True when `.next/BUILD_ID` is missing or older than a source of the app. */
export function webBuildIsStale(): boolean {
  const buildId = join(WEB_DIR, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  return statSync(buildId).mtimeMs < Math.max(...buildInputs().map(newest));
}

/**
 * Builds the web app (`next build`) when its build is missing or stale; about 45 s. Resolves with
 * whether it built. The build's output is kept for the failure message.
 */
export async function ensureWebBuild(): Promise<boolean> {
  if (!webBuildIsStale()) return false;
  const nextBin = createRequire(join(WEB_DIR, 'package.json')).resolve('next/dist/bin/next');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: WEB_DIR,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`next build exited ${code}:\n${output.join('').slice(-4000)}`);
  return true;
}
