import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataBridgeError, parseSpec, SCHEDULE_PRESETS } from '@databridge/engine';
import { compileSchedule, describeSchedule, validateCron } from '../src/schedule/index.ts';

const specText = (schedule: string) => `name: nightly
source: { url: 'sqlite::memory:' }
target: { url: 'sqlite::memory:' }
schedule:
${schedule}
mappings:
  - { source: a, target: b, columns: [{ source: x, target: y }] }
`;

function scheduleError(schedule: string): string {
  try {
    parseSpec(specText(schedule), 'spec.yaml', {});
  } catch (error) {
    assert.ok(error instanceof DataBridgeError);
    assert.equal(error.code, 'bad_spec');
    return error.message;
  }
  assert.fail('the schedule was accepted');
}

describe('cron expressions', () => {
  it('accepts 5-field expressions and describes them in plain language', () => {
    const check = validateCron('30 2 * * 1-5');
    assert.deepEqual(check, {
      ok: true,
      expression: '30 2 * * 1-5',
      preset: undefined,
      description: 'At 02:30, Monday through Friday',
    });
    const named = validateCron('0  9-17/2 * JAN,jul mon-fri');
    assert.ok(named.ok);
    assert.equal(named.expression, '0 9-17/2 * JAN,jul mon-fri');
  });

  it('accepts each preset by name and gives its expression', () => {
    const descriptions: Record<string, string> = {};
    for (const name of Object.keys(SCHEDULE_PRESETS)) {
      const check = validateCron(name);
      assert.ok(check.ok, name);
      assert.equal(check.preset, name);
      descriptions[name] = check.description;
    }
    assert.deepEqual(descriptions, {
      every_15_minutes: 'Every 15 minutes',
      hourly: 'Every hour',
      daily: 'At 00:00',
      weekly: 'At 00:00, only on Sunday',
      monthly: 'At 00:00, on day 1 of the month',
    });
  });

  it('names the field of the expression that is wrong', () => {
    const message = (text: string) => {
      const check = validateCron(text);
      assert.equal(check.ok, false, text);
      return (check as { message: string }).message;
    };
    assert.equal(message('61 * * * *'), 'the minute field "61": 61 is outside 0-59');
    assert.equal(message('0 24 * * *'), 'the hour field "24": 24 is outside 0-23');
    assert.equal(message('0 0 0 * *'), 'the day-of-month field "0": 0 is outside 1-31');
    assert.equal(message('0 0 * 13 *'), 'the month field "13": 13 is outside 1-12');
    assert.equal(message('0 0 * * 8'), 'the day-of-week field "8": 8 is outside 0-7');
    assert.match(
      message('0 0 * * MON-FOO'),
      /^the day-of-week field "MON-FOO": "FOO" is not a number \(use 0-7 or SUN-SAT\)/,
    );
    assert.match(message('*/0 * * * *'), /^the minute field "\*\/0": step/);
    assert.match(message('0 0 * * 5-1'), /^the day-of-week field "5-1": the range 5-1 runs backwards/);
    assert.match(message('0 0 L * *'), /^the day-of-month field "L": "L" is not supported/);
    assert.match(
      message('* * * *'),
      /^expected 5 fields \(minute hour day-of-month month day-of-week\), got 4$/,
    );
    assert.match(message('0 0 0 * * *'), /got 6 \(a seconds field is not supported\)/);
    assert.match(
      message('daly'),
      /^unknown preset "daly": use every_15_minutes, hourly, daily, weekly, monthly/,
    );
    assert.match(message('0 0 30 2 *'), /FEB never has day 30, so it would never run/);
    assert.equal(message('  '), 'must not be empty');
  });

  it('describes a schedule with its time zone', () => {
    assert.equal(
      describeSchedule({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }),
      'At 02:30 (Europe/Berlin time)',
    );
    assert.equal(describeSchedule({ cron: 'every_15_minutes' }), 'Every 15 minutes (UTC time)');
  });

  it('refuses an unknown time zone or expression when compiling, with bad_spec', () => {
    assert.throws(
      () => compileSchedule({ cron: 'daily', timezone: 'Mars/Olympus' }),
      (error: unknown) =>
        error instanceof DataBridgeError && error.code === 'bad_spec' && /Mars\/Olympus/.test(error.message),
    );
    assert.throws(() => compileSchedule({ cron: '0 25 * * *' }), /schedule\.cron: the hour field "25"/);
  });
});

describe('the spec schedule section', () => {
  it('stores a preset by name beside its expression and fills every default', () => {
    const { spec } = parseSpec(specText('  cron: daily\n  timezone: europe/berlin'), 'spec.yaml', {});
    assert.deepEqual(spec.schedule, {
      preset: 'daily',
      cron: '0 0 * * *',
      timezone: 'Europe/Berlin',
      enabled: true,
      owner: 'databridge',
      alerts: { emails: [], onFailure: true, onRecovery: false, onSla: true },
      retries: { maxRetries: 0, delayMinutes: 5, exponentialBackoff: false, maxDelayMinutes: 60 },
      dependsOn: [],
      catchUp: false,
      maxActiveRuns: 1,
      whenMaxActive: 'wait',
    });
  });

  it('reads back what it wrote: a stored spec parses to the same schedule', () => {
    const { spec: first } = parseSpec(specText('  cron: weekly\n  sla: { minutes: 30 }'), 'spec.yaml', {});
    const { spec: again } = parseSpec(JSON.stringify(first), 'spec.json', {});
    assert.deepEqual(again.schedule, first.schedule);
  });

  it('takes a custom expression, alerts, retries and dependencies', () => {
    const { spec: parsed } = parseSpec(
      specText(`  cron: '30 2 * * 1-5'
  timezone: America/New_York
  alerts: { emails: [ops@example.com], slackWebhookUrl: 'https://hooks.slack.com/services/T/B/X', onRecovery: true }
  retries: { maxRetries: 3, delayMinutes: 2, exponentialBackoff: true, maxDelayMinutes: 30 }
  dependsOn: [customers, orders]
  catchUp: true
  maxActiveRuns: 2
  whenMaxActive: skip`),
      'spec.yaml',
      {},
    );
    const schedule = parsed.schedule!;
    assert.equal(schedule.preset, undefined);
    assert.equal(schedule.cron, '30 2 * * 1-5');
    assert.deepEqual(schedule.alerts.emails, ['ops@example.com']);
    assert.equal(schedule.retries.maxRetries, 3);
    assert.deepEqual(schedule.dependsOn, ['customers', 'orders']);
    assert.equal(schedule.whenMaxActive, 'skip');
  });

  it('a schedule without cron has no timetable but keeps its retry settings', () => {
    const { schedule } = parseSpec(specText('  retries: { maxRetries: 2 }'), 'spec.yaml', {}).spec;
    assert.equal(schedule?.cron, undefined);
    assert.equal(schedule?.retries.maxRetries, 2);
  });

  it('a spec without a schedule has none', () => {
    assert.equal(
      parseSpec(specText('  {}').replace('schedule:\n  {}\n', ''), 'spec.yaml', {}).spec.schedule,
      undefined,
    );
  });

  it('bad values name the field and say what is wrong', () => {
    assert.equal(
      scheduleError("  cron: '0 24 * * *'"),
      'spec.yaml:5 schedule.cron: Schedule: “0 24 * * *” is not a cron expression: the hour field "24": 24 is outside 0-23.',
    );
    assert.match(
      scheduleError('  cron: daily\n  timezone: Berlin/Europe'),
      /spec\.yaml:6 schedule\.timezone: Time zone “Berlin\/Europe” is not known: use an IANA name/,
    );
    assert.match(
      scheduleError("  cron: daily\n  timezone: '+05:30'"),
      /schedule\.timezone: Time zone must be an IANA time zone name such as Europe\/Berlin \(not “\+05:30”\)/,
    );
    assert.match(
      scheduleError("  preset: daily\n  cron: '0 1 * * *'"),
      /schedule\.cron: Schedule: "0 1 \* \* \*" is not the daily preset \(0 0 \* \* \*\)/,
    );
    assert.match(
      scheduleError('  cron: daily\n  alerts: { emails: [ops] }'),
      /schedule\.alerts\.emails\[0\]: Alert e-mail 1 is not an e-mail address: “ops”\./,
    );
    assert.match(
      scheduleError("  cron: daily\n  alerts: { slackWebhookUrl: 'ftp://x' }"),
      /schedule\.alerts\.slackWebhookUrl: Slack webhook URL must be the https:\/\/ address of an incoming webhook \(not “ftp:\/\/x”\)/,
    );
    assert.match(
      scheduleError('  cron: daily\n  retries: { maxRetries: 11 }'),
      /schedule\.retries\.maxRetries: Retries must be a whole number from 0 to 10 retries \(not 11\)/,
    );
    assert.match(
      scheduleError('  cron: daily\n  retries: { delayMinutes: 30, maxDelayMinutes: 10 }'),
      /schedule\.retries\.maxDelayMinutes: Longest retry delay must be at least the retry delay\./,
    );
    assert.match(
      scheduleError('  cron: daily\n  maxActiveRuns: 0'),
      /schedule\.maxActiveRuns: Runs at once must be a whole number from 1 to 100 runs \(not 0\)/,
    );
    assert.match(
      scheduleError('  cron: daily\n  whenMaxActive: queue'),
      /schedule\.whenMaxActive: When runs are at their limit must be one of wait or skip \(not “queue”\)/,
    );
    assert.match(
      scheduleError('  cron: daily\n  dependsOn: [a, a]'),
      /schedule\.dependsOn: Projects it depends on: a project is listed twice\./,
    );
    assert.match(
      scheduleError('  cron: daily\n  every: day'),
      /schedule: Schedule has unknown field “every”: check the spelling/,
    );
  });
});
