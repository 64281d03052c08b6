import type { Connection } from '../connectors/connection.ts';
import { openConnection } from '../connectors/open.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';

/** Opens the spec's source and target with pools sized for its parallelism; closes the first if the second fails. */
export async function openPair(spec: MigrationSpec): Promise<{ source: Connection; target: Connection }> {
  // Each running task holds one source and one target connection, plus one for the read-ahead.
  const poolSize = spec.pipeline.parallelism * 2 + 2;
  const source = await openConnection(spec.source.url, { poolSize });
  try {
    const target = await openConnection(spec.target.url, { poolSize });
    return { source, target };
  } catch (error) {
    await source.close();
    throw error;
  }
}
