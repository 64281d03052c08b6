import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { issueSentence, peopleError } from '../src/spec/labelled.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { MigrationSpec } from '../src/spec/spec-schema.ts';

const base = 'source: { url: "sqlite:a.db" }\ntarget: { url: "sqlite:b.db" }\n';

function problem(text: string): string {
  try {
    parseSpec(text, 'spec.yaml', {});
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the spec was accepted');
}

test('a value of the wrong type is named in words: "a list", "a whole number", never "a array" or "a int"', () => {
  const list = problem(`${base}mappings: { source: a, target: b }\n`);
  assert.match(list, /mappings: Table mappings must be a list \(not a group of fields \(key: value\)\)/);
  const whole = problem(`${base}pipeline: { batchSize: 1000.5 }\nmappings: [{ source: a, target: b }]\n`);
  assert.match(whole, /batchSize: .*whole number/);
  const text = problem(`${base}pipeline: { batchSize: "lots" }\nmappings: [{ source: a, target: b }]\n`);
  assert.match(text, /batchSize: Batch size must be a whole number from 100 to 10,000 rows \(not “lots”\)/);
  for (const message of [list, whole, text]) assert.doesNotMatch(message, /\ba (array|int|object)\b/);
});

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into the plain spec object to spoil one field
type Loose = any;

/** A spec that parses; each case below spoils one field of it. */
function validSpec(): Loose {
  return {
    name: 'chinook',
    source: { url: 'sqlite:chinook.sqlite' },
    target: { url: 'postgres://127.0.0.1/chinook' },
    pipeline: {
      hooks: { pre: [{ sql: 'select 1' }], post: [] },
      rules: [{ name: 'no orphans', sql: 'select 0' }],
    },
    schedule: { cron: '0 * * * *', alerts: { emails: ['ops@example.com', 'dba@example.com'] } },
    mappings: [
      { source: 'Artist', target: 'artist', columns: [{ source: 'ArtistId', target: 'artist_id' }] },
      {
        source: 'Album',
        target: 'album',
        columns: [
          { source: 'AlbumId', target: 'album_id' },
          { source: 'Title', target: 'title', transform: ['trim'] },
        ],
      },
    ],
  };
}

/** The sentence a person reads for the spec with `spoil` applied, and the path programs get. */
function firstProblem(spoil: (spec: Loose) => void) {
  const spec = validSpec();
  spoil(spec);
  const parsed = MigrationSpec.safeParse(spec, { error: peopleError });
  assert.equal(parsed.success, false, 'the spoiled spec was accepted');
  const issue = parsed.error!.issues[0]!;
  return { sentence: issueSentence(issue), path: issue.path.join('.') };
}

// [what is spoiled, the spoiling, words the sentence must hold, the path kept for programs]
const CASES: readonly [string, (s: Loose) => void, readonly string[], string][] = [
  [
    'batch size',
    (s) => (s.pipeline.batchSize = 50),
    ['Batch size', '100 to 10,000 rows', 'not 50'],
    'pipeline.batchSize',
  ],
  [
    'parallelism',
    (s) => (s.pipeline.parallelism = 'many'),
    ['Parallelism', '1 to 16', '“many”'],
    'pipeline.parallelism',
  ],
  [
    'stall timeout',
    (s) => (s.pipeline.stallTimeoutSeconds = 1),
    ['Stall timeout', '10 to 86,400 seconds'],
    'pipeline.stallTimeoutSeconds',
  ],
  [
    'error policy',
    (s) => (s.pipeline.errorPolicy = 'ignore'),
    ['Error policy must be one of fail_fast, continue or skip_and_log', '“ignore”'],
    'pipeline.errorPolicy',
  ],
  [
    'log level',
    (s) => (s.pipeline.logLevel = 'loud'),
    ['Log level must be one of debug, info, warning or error'],
    'pipeline.logLevel',
  ],
  [
    'create tables',
    (s) => (s.pipeline.createTables = 'yes'),
    ['Create tables must be true or false', '“yes”'],
    'pipeline.createTables',
  ],
  [
    'schema changes',
    (s) => (s.pipeline.schema = 'all'),
    ['Schema changes must be one of create, data_only or schema_only'],
    'pipeline.schema',
  ],
  [
    'enums',
    (s) => (s.pipeline.enums = 'text'),
    ['Enum columns must be one of type or check'],
    'pipeline.enums',
  ],
  [
    'zero dates',
    (s) => (s.pipeline.zeroDates = 'keep'),
    ['Zero dates must be one of reject or null'],
    'pipeline.zeroDates',
  ],
  [
    'foreign key check',
    (s) => (s.pipeline.foreignKeyCheck = 'never'),
    ['Foreign key check must be one of after_load or per_row'],
    'pipeline.foreignKeyCheck',
  ],
  [
    'checksum check',
    (s) => (s.pipeline.validation = { checksum: 1 }),
    ['Checksum check must be true or false'],
    'pipeline.validation.checksum',
  ],
  [
    'hook SQL',
    (s) => (s.pipeline.hooks.pre[0].sql = '  '),
    ['Hook before the load 1, SQL must not be empty'],
    'pipeline.hooks.pre.0.sql',
  ],
  [
    'hook database',
    (s) => (s.pipeline.hooks.pre[0].on = 'both'),
    ['Hook before the load 1, database must be one of target or source'],
    'pipeline.hooks.pre.0.on',
  ],
  [
    'rule name',
    (s) => delete s.pipeline.rules[0].name,
    ['Validation rule 1, name is required'],
    'pipeline.rules.0.name',
  ],
  [
    'load mode',
    (s) => (s.mappings[1].mode = 'merge'),
    ['Table mapping 2, load mode must be one of append, replace or upsert (not “merge”)'],
    'mappings.1.mode',
  ],
  [
    'table name',
    (s) => (s.mappings[0].target = 'x'.repeat(300)),
    ['Table mapping 1, target must be at most 255 characters long (this one has 300)'],
    'mappings.0.target',
  ],
  [
    'column target',
    (s) => (s.mappings[1].columns[1].target = ''),
    ['Table mapping 2, column 2, target must not be empty'],
    'mappings.1.columns.1.target',
  ],
  [
    'invalid values rule',
    (s) => (s.mappings[0].columns[0].onInvalid = 'drop'),
    ['Table mapping 1, column 1, invalid values rule must be one of reject, null, truncate or clamp'],
    'mappings.0.columns.0.onInvalid',
  ],
  [
    'string operation',
    (s) => (s.mappings[1].columns[1].transform = ['trimm']),
    ['Table mapping 2, column 2, operation 1', 'use trim, upper, lower'],
    'mappings.1.columns.1.transform.0',
  ],
  [
    'column source and expression',
    (s) => (s.mappings[0].columns[0].expression = 'upper(x)'),
    ['Table mapping 1, column 1, SQL expression: give either source or expression, not both'],
    'mappings.0.columns.0.expression',
  ],
  [
    'substring start',
    (s) => (s.mappings[1].columns[1].transform = [{ substring: { start: 0 } }]),
    ['Table mapping 2, column 2, operation 1, start must be at least 1 (not 0)'],
    'mappings.1.columns.1.transform.0.substring.start',
  ],
  [
    'pad character',
    (s) => (s.mappings[1].columns[1].transform = [{ padLeft: { length: 5, with: 'ab' } }]),
    [
      'Table mapping 2, column 2, operation 1, fill character must be exactly 1 character long (this one has 2)',
    ],
    'mappings.1.columns.1.transform.0.padLeft.with',
  ],
  [
    'no columns',
    (s) => (s.mappings[0].columns = []),
    ['Table mapping 1: map at least one column'],
    'mappings.0.columns',
  ],
  ['no tables', (s) => (s.mappings = []), ['Map at least one table'], 'mappings'],
  [
    'unknown field',
    (s) => (s.mappings[0].colums = []),
    ['Table mapping 1 has unknown field “colums”'],
    'mappings.0',
  ],
  ['source URL', (s) => (s.source.url = ''), ['Source connection URL must not be empty'], 'source.url'],
  [
    'cron',
    (s) => (s.schedule.cron = '61 * * * *'),
    ['Schedule: “61 * * * *” is not a cron expression', '61 is outside 0-59'],
    'schedule.cron',
  ],
  [
    'time zone',
    (s) => (s.schedule.timezone = 'Berlin/Europe'),
    ['Time zone “Berlin/Europe” is not known', 'Europe/Berlin'],
    'schedule.timezone',
  ],
  [
    'alert e-mail',
    (s) => (s.schedule.alerts.emails[1] = 'x@'),
    ['Alert e-mail 2 is not an e-mail address: “x@”'],
    'schedule.alerts.emails.1',
  ],
  [
    'Slack URL',
    (s) => (s.schedule.alerts.slackWebhookUrl = 'hooks'),
    ['Slack webhook URL must be the https:// address', '“hooks”'],
    'schedule.alerts.slackWebhookUrl',
  ],
  [
    'alert on failure',
    (s) => (s.schedule.alerts.onFailure = 'y'),
    ['Alert on failure must be true or false'],
    'schedule.alerts.onFailure',
  ],
  [
    'retries',
    (s) => (s.schedule.retries = { maxRetries: 11 }),
    ['Retries must be a whole number from 0 to 10 retries (not 11)'],
    'schedule.retries.maxRetries',
  ],
  [
    'retry delay',
    (s) => (s.schedule.retries = { delayMinutes: -1 }),
    ['Retry delay must be a number from 0 to 1,440 minutes (not -1)'],
    'schedule.retries.delayMinutes',
  ],
  [
    'longest retry delay',
    (s) => (s.schedule.retries = { delayMinutes: 30, maxDelayMinutes: 10 }),
    ['Longest retry delay must be at least the retry delay'],
    'schedule.retries.maxDelayMinutes',
  ],
  [
    'SLA',
    (s) => (s.schedule.sla = { minutes: 0 }),
    ['SLA must be a whole number from 1 to 10,080 minutes (not 0)'],
    'schedule.sla.minutes',
  ],
  [
    'runs at once',
    (s) => (s.schedule.maxActiveRuns = 101),
    ['Runs at once must be a whole number from 1 to 100 runs (not 101)'],
    'schedule.maxActiveRuns',
  ],
  [
    'when at the limit',
    (s) => (s.schedule.whenMaxActive = 'queue'),
    ['When runs are at their limit must be one of wait or skip'],
    'schedule.whenMaxActive',
  ],
  ['catch-up', (s) => (s.schedule.catchUp = 'no'), ['Catch up must be true or false'], 'schedule.catchUp'],
  [
    'dependency',
    (s) => (s.schedule.dependsOn = ['a', '']),
    ['Project it depends on 2 must not be empty'],
    'schedule.dependsOn.1',
  ],
  [
    'dependency twice',
    (s) => (s.schedule.dependsOn = ['a', 'a']),
    ['a project is listed twice'],
    'schedule.dependsOn',
  ],
  [
    'schedule preset',
    (s) => (s.schedule = { preset: 'yearly' }),
    ['Schedule preset must be one of every_15_minutes, hourly, daily, weekly or monthly'],
    'schedule.preset',
  ],
];

// zod's own English and raw paths, which a person must never read.
const ZOD_WORDS = /Too small|Too big|Invalid input|expected|received|Invalid option/;
const RAW_PATH = /\w\.\w+\.|\[\d+\]|\.\d\b/;

describe('every field of the spec says what is wrong in a person’s words', () => {
  for (const [what, spoil, words, path] of CASES) {
    it(what, () => {
      const problem = firstProblem(spoil);
      for (const word of words)
        assert.ok(problem.sentence.includes(word), `“${problem.sentence}” lacks “${word}”`);
      assert.doesNotMatch(problem.sentence, ZOD_WORDS);
      assert.doesNotMatch(problem.sentence.replace(/“[^”]*”/g, ''), RAW_PATH);
      // Allowed values are shown as they are typed (padLeft); the field's own key never is.
      for (const key of path.split('.').filter((k) => /[A-Z]/.test(k)))
        assert.ok(!problem.sentence.includes(key), `“${problem.sentence}” shows the key ${key}`);
      assert.equal(problem.path, path, 'the path stays in the issue for programs');
    });
  }
});
