// A run that archives its extract into an object store, alone in its process, so that its peak
// memory can be measured: argv spec file, state folder, object store URL (or `local`: the run's
// reports folder). Prints one JSON line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalFolderStore } from '../../src/artefacts/local-folder-store.ts';
import { readObjectStoreConfig } from '../../src/artefacts/object-store-config.ts';
import { S3ArtefactStore } from '../../src/artefacts/s3-artefact-store.ts';
import { S3RVER_KEY } from './object-store.ts';
import { runSpec } from './run-spec.ts';

const [specFile, stateDir, storeUrl] = process.argv.slice(2) as [string, string, string];
const store =
  storeUrl === 'local'
    ? new LocalFolderStore(join(stateDir, 'reports'))
    : new S3ArtefactStore(
        readObjectStoreConfig({ SAP_OBJECT_STORE_URL: storeUrl, SAP_OBJECT_STORE_API_KEY: S3RVER_KEY })!,
      );
const summary = await runSpec(readFileSync(specFile, 'utf8'), {}, { stateDir, artefacts: store });
process.stdout.write(
  `${JSON.stringify({
    status: summary.status,
    error: summary.error?.message ?? null,
    runId: summary.runId,
    // Kilobytes on Linux: the most this process ever held in memory.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
