import { readFileSync } from 'node:fs';
import { DATABRIDGE_BIN } from './config.ts';
import { run } from './sh.ts';

/**
 * The node flags the `databridge` bin asks for on its `#!/usr/bin/env -S node ...` line (a heap cap,
 * for instance). Running `node bin/databridge.js` would drop them, so the benchmark passes them itself:
 * the measured process is node running the launcher, exactly what `npx databridge` starts.
 */
export function launcherNodeFlags(): string[] {
  const first = readFileSync(DATABRIDGE_BIN, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!.*\bnode\b(.*)$/.exec(first);
  return match
    ? match[1]!
        .trim()
        .split(/\s+/)
        .filter((f) => f !== '')
    : [];
}

/** The command line of a DataBridge run: node, the launcher's flags, the bin, the arguments. */
export function dataBridgeCommand(args: readonly string[]): [string, string[]] {
  return [process.execPath, [...launcherNodeFlags(), DATABRIDGE_BIN, ...args]];
}

/**
 * Runs `databridge --help` once, untimed: the launcher rebuilds its bundle when a source is newer than
 * it, and that build belongs to no contender's time.
 */
export async function warmUpDataBridge(): Promise<void> {
  const [node, args] = dataBridgeCommand(['--help']);
  const result = await run(node, args);
  if (result.code !== 0) throw new Error(`databridge --help failed: ${result.stderr.trim().slice(0, 500)}`);
}
