import { existsSync } from 'node:fs';
import { check, run } from './sh.ts';

/**
 * Installs a Debian package when its program is missing (the benchmark runs as root on Debian, as the
 * README's machines do). Returns the program's version line.
 */
export async function ensureTool(program: string, debianPackage: string, versionArgs: readonly string[]) {
  let version = await run(program, versionArgs).catch(() => null);
  if (version?.code !== 0) {
    process.stderr.write(`${program} is missing: apt-get install -y ${debianPackage}\n`);
    await check('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], {
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    }).catch(async () => {
      await check('apt-get', ['update']);
      await check('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], {
        env: { DEBIAN_FRONTEND: 'noninteractive' },
      });
    });
    version = await run(program, versionArgs);
  }
  return `${version.stdout}${version.stderr}`.trim().split('\n')[0] ?? '';
}

/** GNU time (for peak RSS) and pgloader; psql and mysql come with the servers the tests use. */
export async function ensureTools(needPgloader: boolean): Promise<{ pgloader: string | null }> {
  if (!existsSync('/usr/bin/time')) await ensureTool('/usr/bin/time', 'time', ['--version']);
  const pgloader = needPgloader ? await ensureTool('pgloader', 'pgloader', ['--version']) : null;
  return { pgloader };
}
