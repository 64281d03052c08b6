import { ArtefactStoreError } from './artefact-store-error.ts';

// Letters, digits, dot, dash and underscore: nothing a file system or an S3 key reads as a folder
// above this one, nothing percent-encoding could turn into one.
const SEGMENT = /^[A-Za-z0-9_.-]{1,200}$/;

/** Execution ids are UUIDs (and run ids `20261129-101500-ab12`): one plain segment. */
const EXECUTION_ID = /^[A-Za-z0-9-]{1,100}$/;

/**
 * Checks a store key: plain segments joined by `/`, none of them `.` or `..`, no leading slash.
 * Throws `bad_key` naming the key's problem (not the key, which may be anything a client sent).
 */
export function assertArtefactKey(key: string): string {
  const segments = key.split('/');
  const plain = segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
  if (key.length > 1000 || !plain) {
    throw new ArtefactStoreError(
      'bad_key',
      'An artefact name is letters, digits, dots, dashes and underscores in folders separated by /, without . or .. folders',
    );
  }
  return key;
}

/** The folder of one execution's artefacts: `<execution id>/`. The id alone decides it. */
export function executionPrefix(executionId: string): string {
  if (!EXECUTION_ID.test(executionId)) {
    throw new ArtefactStoreError('bad_key', 'An execution id is letters, digits and dashes (at most 100)');
  }
  return `${executionId}/`;
}

// The ids DataBridge gives a run: an execution's UUID, or a `databridge run`'s start and 4 hex digits.
const RUN_FOLDER = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{8}-\d{6}-[0-9a-f]{4})$/;

/**
 * Whether a top-level folder of the store is a run's (its name an id DataBridge makes): retention
 * counts and removes only those, so a bucket shared with other data keeps what is not ours.
 */
export function isRunFolder(name: string): boolean {
  return RUN_FOLDER.test(name);
}

/** The key of an execution's artefact, e.g. `artefactKey(id, 'report.json')`. */
export function artefactKey(executionId: string, name: string): string {
  return assertArtefactKey(`${executionPrefix(executionId)}${name}`);
}

/** The media type an artefact is served with, from its name. */
export function artefactContentType(key: string): string {
  if (key.endsWith('.html')) return 'text/html; charset=utf-8';
  if (key.endsWith('.json')) return 'application/json';
  if (key.endsWith('.gz')) return 'application/gzip';
  if (key.endsWith('.sql')) return 'application/sql; charset=utf-8';
  if (key.endsWith('.jsonl') || key.endsWith('.log')) return 'application/x-ndjson; charset=utf-8';
  return 'application/octet-stream';
}
