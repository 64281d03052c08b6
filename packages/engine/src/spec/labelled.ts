import { z } from 'zod';

/** A number field of the spec as a person knows it: its label, its range, and where to fix it. */
export interface NumberField {
  /** As the form labels it: "Batch size". */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only (default true). */
  readonly whole?: boolean;
  /** After the range: "rows", "minutes". */
  readonly unit?: string;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * A number schema whose every error is one sentence for people, from the field's label and range:
 * "Batch size must be a whole number from 100 to 10,000 rows (not 50)." The issue keeps zod's code
 * and path, so programs still see which field and why.
 */
export function labelledNumber(field: NumberField) {
  const kind = field.whole === false ? 'a number' : 'a whole number';
  const range = `from ${count(field.min)} to ${count(field.max)}${field.unit ? ` ${field.unit}` : ''}`;
  const error = (issue: { readonly input?: unknown }) => {
    const given =
      typeof issue.input === 'number' && Number.isFinite(issue.input)
        ? ` (not ${count(issue.input)})`
        : typeof issue.input === 'string' && issue.input.trim() !== ''
          ? ` (not “${issue.input}”)`
          : '';
    return `${field.label} must be ${kind} ${range}${given}.`;
  };
  const number = z.number({ error });
  return (field.whole === false ? number : number.int({ error }))
    .min(field.min, { error })
    .max(field.max, { error });
}

/**
 * Field labels as the forms show them, keyed by the field's keys after the last list index (the
 * longest matching ending wins): `retries.delayMinutes` is "Retry delay". Keys of list fields name
 * one item: `mappings` is "Table mapping", so `mappings[2]` is "Table mapping 3".
 */
const LABELS: Readonly<Record<string, string>> = {
  // The spec
  version: 'Spec version',
  name: 'Name',
  'source.url': 'Source connection URL',
  'target.url': 'Target connection URL',
  'source.schema': 'Source schema',
  'target.schema': 'Target schema',
  mappings: 'Table mapping',
  source: 'Source',
  target: 'Target',
  mode: 'Load mode',
  key: 'Key column',
  where: 'Filter',
  columns: 'Column',
  exclude: 'Excluded column',
  expression: 'SQL expression',
  default: 'Default value',
  transform: 'Operation',
  onInvalid: 'Invalid values rule',
  batchSize: 'Batch size',
  parallelism: 'Parallelism',
  errorPolicy: 'Error policy',
  logLevel: 'Log level',
  createTables: 'Create tables',
  'pipeline.schema': 'Schema changes',
  enums: 'Enum columns',
  onUpdateTriggers: 'ON UPDATE triggers',
  zeroDates: 'Zero dates',
  foreignKeyCheck: 'Foreign key check',
  stallTimeoutSeconds: 'Stall timeout',
  'hooks.pre': 'Hook before the load',
  'hooks.post': 'Hook after the load',
  rules: 'Validation rule',
  sql: 'SQL',
  expect: 'Expected value',
  on: 'Database',
  'validation.rowCount': 'Row count check',
  'validation.checksum': 'Checksum check',
  'validation.rows': 'Row check',
  'validation.types': 'Type check',
  'validation.schema': 'Schema check',
  // The schedule
  preset: 'Schedule preset',
  cron: 'Schedule',
  timezone: 'Time zone',
  enabled: 'Schedule on',
  owner: 'Scheduled by',
  logicalDate: 'Logical date',
  'sla.minutes': 'SLA',
  sla: 'SLA',
  emails: 'Alert e-mail',
  slackWebhookUrl: 'Slack webhook URL',
  onFailure: 'Alert on failure',
  onRecovery: 'Alert on recovery',
  onSla: 'Alert on a missed SLA',
  'retries.maxRetries': 'Retries',
  'retries.delayMinutes': 'Retry delay',
  'retries.exponentialBackoff': 'Exponential backoff',
  'retries.maxDelayMinutes': 'Longest retry delay',
  dependsOn: 'Project it depends on',
  catchUp: 'Catch up',
  maxActiveRuns: 'Runs at once',
  whenMaxActive: 'When runs are at their limit',
  // The other forms
  id: 'The id',
  url: 'Connection URL',
  kind: 'Database kind',
  host: 'Host',
  port: 'Port',
  user: 'User',
  database: 'Database',
  file: 'Database file',
  sslmode: 'SSL mode',
  sourceConnectionId: 'Source connection',
  targetConnectionId: 'Target connection',
  email: 'E-mail',
  password: 'Password',
  role: 'Role',
  scopes: 'Scope',
  expiresInDays: 'Expires in (days)',
  from: 'From',
  to: 'To',
  start: 'Start',
  length: 'Length',
  with: 'Fill character',
  prefix: 'Prefix',
  suffix: 'Suffix',
};

/** `maxActiveRuns` as words when no label is known: "Max active runs", never the key itself. */
function keyInWords(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A list field as a whole, where LABELS names one of its items. */
const LIST_LABELS: Readonly<Record<string, string>> = {
  mappings: 'Table mappings',
  columns: 'Columns',
  key: 'Key columns',
  exclude: 'Excluded columns',
  transform: 'Operations',
  'hooks.pre': 'Hooks before the load',
  'hooks.post': 'Hooks after the load',
  rules: 'Validation rules',
  emails: 'Alert e-mails',
  dependsOn: 'Projects it depends on',
  scopes: 'Scopes',
};

function labelOf(keys: readonly string[], whole = false): string {
  for (let from = 0; from < keys.length; from += 1) {
    const ending = keys.slice(from).join('.');
    const label = (whole ? LIST_LABELS[ending] : undefined) ?? LABELS[ending];
    if (label) return label;
  }
  return keys.length > 0 ? keyInWords(keys.at(-1)!) : 'This value';
}

/** "Column" inside a sentence is "column"; "SQL" and "SLA" keep their capitals. */
function inSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/**
 * A field's path in words, for messages people read: `['mappings', 2, 'columns', 0, 'target']` is
 * "Table mapping 3, column 1, target", `['schedule', 'alerts', 'emails', 1]` is "Alert e-mail 2".
 * Lists are numbered from 1, as the forms number them. The path itself stays in the issue (and the
 * API's `field`) for programs; it never reaches a sentence.
 */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let keys: string[] = [];
  for (const part of path) {
    if (typeof part === 'number') {
      parts.push(`${labelOf(keys)} ${part + 1}`);
      keys = [];
    } else if (typeof part === 'string') keys.push(part);
  }
  if (keys.length > 0 || parts.length === 0) parts.push(labelOf(keys, true));
  return parts.map((part, i) => (i === 0 ? part : inSentence(part))).join(', ');
}

const quoted = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? '' : `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  array: 'a list',
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a group of fields (key: value)',
  record: 'a group of fields (key: value)',
  null: 'empty (null)',
  date: 'a date',
};

/** "append, replace or upsert". */
export function listInWords(values: readonly unknown[]): string {
  const words = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function givenWords(input: unknown): string {
  if (input === null) return 'empty (null)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a group of fields (key: value)';
  if (typeof input === 'boolean') return String(input);
  return quoted(input);
}

type Issue = z.core.$ZodRawIssue;

const characters = (n: number) => `${count(n)} character${n === 1 ? '' : 's'}`;

/** What is wrong with the value, after the field's label: "must be one of a, b or c (not “d”)". */
function problemOf(issue: Issue): string {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return 'is required';
      const expected = TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`;
      if (typeof input === 'number' && Number.isNaN(input)) return `must be ${expected}`;
      return `must be ${expected} (not ${givenWords(input)})`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${listInWords(issue.values)}${input === undefined ? '' : ` (not ${givenWords(input)})`}`
        : `must be one of ${listInWords(issue.values)}${input === undefined ? '' : ` (not ${givenWords(input)})`}`;
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string' && issue.exact) return `must be exactly ${characters(n)} long`;
      if (issue.origin === 'string')
        return n <= 1 ? 'must not be empty' : `must be at least ${characters(n)} long`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `needs at least ${count(n)} ${n === 1 ? 'entry' : 'entries'}`;
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${count(n)}${typeof input === 'number' ? ` (not ${count(input)})` : ''}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string')
        return `must be ${issue.exact ? 'exactly' : 'at most'} ${characters(n)} long${typeof input === 'string' ? ` (this one has ${count(input.length)})` : ''}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `takes at most ${count(n)} entries`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${count(n)}${typeof input === 'number' ? ` (not ${count(input)})` : ''}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_format': {
      // A finished issue no longer carries the value: then the sentence ends before it.
      const shown = input === undefined ? '' : `: ${quoted(input)}`;
      if (issue.format === 'email') return `is not an e-mail address${shown}`;
      if (issue.format === 'url') return `is not a web address (https://…)${shown}`;
      if (issue.format === 'regex') return `has characters that are not allowed${shown}`;
      return `is not a valid ${issue.format}${shown}`;
    }
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${listInWords(issue.keys.map((k) => quoted(k)))}: check the spelling, or remove ${issue.keys.length === 1 ? 'it' : 'them'}`;
    case 'invalid_union':
      return 'is not one of the forms it can take';
    case 'invalid_key':
    case 'invalid_element':
      return 'has an entry that is not valid';
    default:
      return 'is not valid';
  }
}

/**
 * The one error map of DataBridge's schemas: every issue zod raises without a message of its own
 * becomes a sentence with the field's label, what is allowed and the value given: "Load mode must
 * be one of append, replace or upsert (not “merge”)." Pass it when parsing (`{ error: peopleError }`);
 * issues keep their code and path for programs.
 */
export function peopleError(issue: Issue): string {
  const path = issue.path ?? [];
  // A top-level stray key has no field to name: "Unknown field “colour”: …".
  if (path.length === 0 && issue.code === 'unrecognized_keys')
    return `${problemOf(issue).replace(/^has u/, 'U')}.`;
  return `${fieldLabel(path)} ${problemOf(issue)}.`;
}

/** zod's own English, which a person must never read. */
const ZOD_ENGLISH =
  /^(Invalid input|Invalid option|Invalid string|Invalid |Too small|Too big|Unrecognized key)/;

/**
 * One sentence for a finished issue: its own message when it is already a sentence (the labelled
 * fields and `peopleError` write whole ones), else the field in words before a schema's own
 * fragment ("Table mapping 3, column 1, target: needs a source column, an expression or a default").
 */
export function issueSentence(issue: {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}): string {
  // A schema parsed without `peopleError` left zod's English: word the issue again from its code.
  if (ZOD_ENGLISH.test(issue.message) && 'code' in issue) return peopleError(issue as unknown as Issue);
  if (/^[A-Z“"].*[.)]$/s.test(issue.message)) return issue.message;
  // Older schemas say "is required", "is too long": those read on from the label.
  if (/^(is|are|must|has|needs|takes|contains) /.test(issue.message))
    return `${fieldLabel(issue.path)} ${issue.message}${/[.!?)]$/.test(issue.message) ? '' : '.'}`;
  return `${fieldLabel(issue.path)}: ${issue.message}`;
}
