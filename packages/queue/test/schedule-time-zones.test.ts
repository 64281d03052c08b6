import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestOccurrence, nextOccurrences, occurrencesBetween } from '../src/schedule/index.ts';

/** An instant as the zone's wall clock reads it, with its UTC form: `2024-03-10 03:00 (07:00Z)`. */
function local(date: Date, timezone: string): string {
  const wall = date.toLocaleString('sv-SE', { timeZone: timezone }).slice(0, 16);
  return `${wall} (${date.toISOString().slice(11, 16)}Z)`;
}

function runs(cron: string, timezone: string, from: string, to: string): string[] {
  return occurrencesBetween({ cron, timezone }, new Date(from), new Date(to)).map((d) => local(d, timezone));
}

describe('schedules in time zones', () => {
  it('UTC: presets land where their names say', () => {
    const after = new Date('2024-01-30T12:00:00Z');
    const next = (cron: string, count: number) =>
      nextOccurrences({ cron, timezone: 'UTC' }, after, count).map((d) => d.toISOString());
    assert.deepEqual(next('every_15_minutes', 2), ['2024-01-30T12:15:00.000Z', '2024-01-30T12:30:00.000Z']);
    assert.deepEqual(next('hourly', 1), ['2024-01-30T13:00:00.000Z']);
    assert.deepEqual(next('daily', 1), ['2024-01-31T00:00:00.000Z']);
    assert.deepEqual(next('weekly', 1), ['2024-02-04T00:00:00.000Z']); // a Sunday
    assert.deepEqual(next('monthly', 2), ['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    assert.deepEqual(next('0 0 29 2 *', 2), ['2024-02-29T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
  });

  it('Asia/Kolkata: a half-hour offset moves every run by 5h30 from UTC', () => {
    assert.deepEqual(runs('30 2 * * *', 'Asia/Kolkata', '2024-03-08T00:00:00Z', '2024-03-10T00:00:00Z'), [
      '2024-03-09 02:30 (21:00Z)',
      '2024-03-10 02:30 (21:00Z)',
    ]);
    assert.deepEqual(runs('hourly', 'Asia/Kolkata', '2024-03-08T00:00:00Z', '2024-03-08T02:00:00Z'), [
      '2024-03-08 06:00 (00:30Z)',
      '2024-03-08 07:00 (01:30Z)',
    ]);
  });

  it('America/New_York spring forward: 02:30 does not exist and runs once, at 03:00', () => {
    assert.deepEqual(runs('30 2 * * *', 'America/New_York', '2024-03-09T00:00:00Z', '2024-03-12T00:00:00Z'), [
      '2024-03-09 02:30 (07:30Z)',
      '2024-03-10 03:00 (07:00Z)',
      '2024-03-11 02:30 (06:30Z)',
    ]);
    // Several skipped times merge into the one run at the change.
    assert.deepEqual(
      runs('0,30 2 * * *', 'America/New_York', '2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z'),
      ['2024-03-10 03:00 (07:00Z)'],
    );
    // A named hour that does exist is untouched: 03:00 runs once, not twice.
    assert.deepEqual(
      runs('0 2,3 * * *', 'America/New_York', '2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z'),
      ['2024-03-10 03:00 (07:00Z)'],
    );
  });

  it('America/New_York fall back: 01:30 happens twice and runs once, the first time', () => {
    assert.deepEqual(runs('30 1 * * *', 'America/New_York', '2024-11-02T00:00:00Z', '2024-11-05T00:00:00Z'), [
      '2024-11-02 01:30 (05:30Z)',
      '2024-11-03 01:30 (05:30Z)',
      '2024-11-04 01:30 (06:30Z)',
    ]);
  });

  it('every-hour schedules follow real time: the skipped hour has no runs, the repeated hour runs twice', () => {
    assert.deepEqual(
      runs('every_15_minutes', 'America/New_York', '2024-03-10T06:30:00Z', '2024-03-10T07:15:00Z'),
      [
        '2024-03-10 01:30 (06:30Z)',
        '2024-03-10 01:45 (06:45Z)',
        '2024-03-10 03:00 (07:00Z)',
        '2024-03-10 03:15 (07:15Z)',
      ],
    );
    const fallBack = runs(
      'every_15_minutes',
      'America/New_York',
      '2024-11-03T05:00:00Z',
      '2024-11-03T07:00:00Z',
    );
    assert.equal(fallBack.length, 9, 'every 15 minutes of two real hours, and the one after');
    assert.deepEqual(fallBack.slice(3, 6), [
      '2024-11-03 01:45 (05:45Z)',
      '2024-11-03 01:00 (06:00Z)',
      '2024-11-03 01:15 (06:15Z)',
    ]);
    // Local midnight to midnight: 23 hourly runs on the short day, 25 on the long one.
    assert.equal(
      runs('hourly', 'America/New_York', '2024-03-10T05:00:00Z', '2024-03-11T03:59:00Z').length,
      23,
    );
    assert.equal(
      runs('hourly', 'America/New_York', '2024-11-03T04:00:00Z', '2024-11-04T04:59:00Z').length,
      25,
    );
  });

  it('Europe/Berlin: 02:30 runs once on both change days', () => {
    assert.deepEqual(runs('30 2 * * *', 'Europe/Berlin', '2024-03-30T00:00:00Z', '2024-04-01T12:00:00Z'), [
      '2024-03-30 02:30 (01:30Z)',
      '2024-03-31 03:00 (01:00Z)',
      '2024-04-01 02:30 (00:30Z)',
    ]);
    assert.deepEqual(runs('30 2 * * *', 'Europe/Berlin', '2024-10-26T00:00:00Z', '2024-10-28T12:00:00Z'), [
      '2024-10-26 02:30 (00:30Z)',
      '2024-10-27 02:30 (00:30Z)',
      '2024-10-28 02:30 (01:30Z)',
    ]);
  });

  it('Australia/Sydney (southern hemisphere): clocks go forward in October and back in April', () => {
    assert.deepEqual(runs('30 2 * * *', 'Australia/Sydney', '2024-10-04T12:00:00Z', '2024-10-07T12:00:00Z'), [
      '2024-10-05 02:30 (16:30Z)',
      '2024-10-06 03:00 (16:00Z)',
      '2024-10-07 02:30 (15:30Z)',
    ]);
    assert.deepEqual(runs('30 2 * * *', 'Australia/Sydney', '2024-04-05T12:00:00Z', '2024-04-08T12:00:00Z'), [
      '2024-04-06 02:30 (15:30Z)',
      '2024-04-07 02:30 (15:30Z)',
      '2024-04-08 02:30 (16:30Z)',
    ]);
    assert.deepEqual(
      nextOccurrences(
        { cron: 'weekly', timezone: 'Australia/Sydney' },
        new Date('2024-10-01T00:00:00Z'),
        1,
      ).map((d) => local(d, 'Australia/Sydney')),
      ['2024-10-06 00:00 (14:00Z)'],
    );
  });

  it('the latest run at or before an instant, in a zone', () => {
    const at = new Date('2024-03-15T10:00:00Z');
    assert.equal(
      latestOccurrence({ cron: 'monthly', timezone: 'Europe/Berlin' }, at)?.toISOString(),
      '2024-02-29T23:00:00.000Z',
    );
    assert.equal(
      latestOccurrence({ cron: 'every_15_minutes' }, at)?.toISOString(),
      '2024-03-15T10:00:00.000Z',
    );
  });
});
