import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { DataBridgeError } from '../errors.ts';
import { issueSentence, peopleError } from './labelled.ts';
import { MigrationSpec } from './spec-schema.ts';

type Path = readonly (string | number)[];

/** A parsed spec plus a way to point at the line a field came from. */
export interface LoadedSpec {
  readonly spec: MigrationSpec;
  /** `file:line` of a field, e.g. `lineOf(['mappings', 2, 'source'])`, or the file alone. */
  lineOf(path: Path): string;
}

/** Reads, interpolates and validates a spec file (YAML or JSON; JSON is YAML too). */
export function loadSpecFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataBridgeError(
      'bad_spec',
      `Cannot read spec file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  return parseSpec(text, file, env);
}

/**
 * Parses spec text. Every error names the line and the field path, then says it for people, e.g.
 * `spec.yaml:7 pipeline.batchSize: Batch size must be a whole number from 100 to 10,000 rows (not 20,000).`
 */
export function parseSpec(text: string, file = 'spec', env: NodeJS.ProcessEnv = process.env): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new DataBridgeError(
      'bad_spec',
      `${file}:${line} is not valid YAML or JSON: ${first.message.split('\n')[0]}`,
      {
        where: `${file}:${line}`,
      },
    );
  }
  const lineOf = (path: Path): string => {
    const node = nearestNode(doc.contents as Node | null, path);
    const offset = node?.range?.[0];
    return offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`;
  };
  const raw = interpolate(doc.toJS(), [], env, lineOf);
  const parsed = MigrationSpec.safeParse(raw, { error: peopleError });
  if (!parsed.success) throw specError(parsed.error, lineOf);
  return { spec: parsed.data, lineOf };
}

/** Formats a path as a person reads it: `mappings[2].columns[0].target`. */
export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function specError(error: z.ZodError, lineOf: (path: Path) => string): DataBridgeError {
  const issue = error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const where = lineOf(path);
  const field = formatPath(path) || '(top level)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return new DataBridgeError('bad_spec', `${where} ${field}: ${issueSentence(issue)}${more}`, { where });
}

function nearestNode(root: Node | null, path: Path): Node | null {
  let node: Node | null = root;
  for (const key of path) {
    if (isMap(node)) {
      const next = node.get(key, true) as Node | undefined;
      if (!next) return node;
      node = next;
    } else if (isSeq(node) && typeof key === 'number') {
      const next = node.get(key, true) as Node | undefined;
      if (!next) return node;
      node = next;
    } else {
      return node;
    }
  }
  return node;
}

/**
 * Replaces `${NAME}` in every string with the environment variable, or with `default` in
 * `${NAME:-default}` when it is unset; a missing variable without a default is a spec error.
 */
function interpolate(
  value: unknown,
  path: Path,
  env: NodeJS.ProcessEnv,
  lineOf: (p: Path) => string,
): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_, name: string, fallback?: string) => {
        const found = env[name] ?? fallback;
        if (found === undefined) {
          throw new DataBridgeError(
            'bad_spec',
            `${lineOf(path)} ${formatPath(path)}: environment variable ${name} is not set`,
            { where: lineOf(path) },
          );
        }
        return found;
      },
    );
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], env, lineOf));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, [...path, k], env, lineOf)]),
    );
  }
  return value;
}
