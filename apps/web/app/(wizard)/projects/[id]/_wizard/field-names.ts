/**
 * A spec field's path in words, for messages people read: `['hooks', 'pre', 0, 'sql']` is "the SQL of
 * hook 1 before the load", `['columns', 2, 'transform', 0]` is "column 3, operation 1". The path
 * itself stays in the API's JSON for programs; it never reaches a sentence.
 */
const WORDS: Record<string, string> = {
  batchSize: 'Batch size',
  parallelism: 'Parallelism',
  stallTimeoutSeconds: 'Stall timeout',
  errorPolicy: 'Error policy',
  logLevel: 'Log level',
  hooks: 'hook',
  rules: 'rule',
  columns: 'column',
  transform: 'operation',
  sql: 'SQL',
  name: 'name',
  expect: 'expected value',
  on: 'database',
  source: 'source',
  target: 'target',
  expression: 'SQL expression',
  default: 'default',
  onInvalid: 'invalid-value rule',
  key: 'key columns',
  where: 'filter',
  mode: 'load mode',
  emails: 'alert e-mail address',
  slackWebhookUrl: 'Slack webhook URL',
  cron: 'Cron expression',
  timezone: 'Time zone',
  minutes: 'minutes',
};

/** The words of a path; lists are numbered from 1 as the forms number them. */
export function describeField(path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  for (let i = 0; i < path.length; i += 1) {
    const part = path[i];
    if (typeof part === 'number') continue;
    const key = String(part);
    if (key === 'pre' || key === 'post') {
      parts.push(key === 'pre' ? 'before the load' : 'after the load');
      continue;
    }
    const next = path[i + 1];
    const word = WORDS[key] ?? key;
    parts.push(typeof next === 'number' ? `${word} ${next + 1}` : word);
  }
  const text = parts.join(', ');
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : 'This value';
}

/**
 * One sentence for a schema issue: the schema's own message when it already names its field (the
 * labelled fields write whole sentences), else the field in words before it.
 */
export function issueSentence(issue: {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}): string {
  if (/^[A-Z].*\.$/.test(issue.message)) return issue.message;
  return `${describeField(issue.path)}: ${issue.message}`;
}
