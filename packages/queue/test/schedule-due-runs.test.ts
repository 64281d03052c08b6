import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataBridgeError } from '@databridge/engine';
import { backfillDates, dueRuns, MAX_CATCH_UP_RUNS } from '../src/schedule/index.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const hourly = { cron: 'hourly', timezone: 'UTC' };

describe('due runs', () => {
  it('catch-up on starts every run missed while the scheduler was down, oldest first', () => {
    const due = dueRuns({
      schedule: hourly,
      lastScheduledAt: new Date('2024-05-01T10:00:00Z'),
      now: new Date('2024-05-01T13:30:00Z'),
      catchUp: true,
    });
    assert.deepEqual(iso(due), [
      '2024-05-01T11:00:00.000Z',
      '2024-05-01T12:00:00.000Z',
      '2024-05-01T13:00:00.000Z',
    ]);
  });

  it('catch-up off starts only the latest missed run', () => {
    const due = dueRuns({
      schedule: hourly,
      lastScheduledAt: new Date('2024-05-01T10:00:00Z'),
      now: new Date('2024-05-01T13:30:00Z'),
      catchUp: false,
    });
    assert.deepEqual(iso(due), ['2024-05-01T13:00:00.000Z']);
  });

  it('a schedule that never ran starts only its latest due time, never its history', () => {
    for (const catchUp of [true, false]) {
      const due = dueRuns({
        schedule: hourly,
        lastScheduledAt: null,
        now: new Date('2024-05-01T13:30:00Z'),
        catchUp,
      });
      assert.deepEqual(iso(due), ['2024-05-01T13:00:00.000Z'], `catchUp ${catchUp}`);
    }
  });

  it('nothing is due between two scheduled times, and a time is due at its own instant', () => {
    const last = new Date('2024-05-01T13:00:00Z');
    assert.deepEqual(
      dueRuns({
        schedule: hourly,
        lastScheduledAt: last,
        now: new Date('2024-05-01T13:59:59Z'),
        catchUp: true,
      }),
      [],
    );
    assert.deepEqual(
      iso(
        dueRuns({
          schedule: hourly,
          lastScheduledAt: last,
          now: new Date('2024-05-01T14:00:00Z'),
          catchUp: true,
        }),
      ),
      ['2024-05-01T14:00:00.000Z'],
    );
    assert.deepEqual(
      dueRuns({
        schedule: hourly,
        lastScheduledAt: last,
        now: new Date('2024-05-01T12:00:00Z'),
        catchUp: true,
      }),
      [],
    );
  });

  const nights = [
    {
      change: 'spring-forward',
      cron: '30 2 * * *',
      last: '2024-03-09T07:30:00Z',
      night: '2024-03-10T05:00:00Z',
      runs: '2024-03-10T07:00:00.000Z',
    },
    {
      change: 'fall-back',
      cron: '30 1 * * *',
      last: '2024-11-02T05:30:00Z',
      night: '2024-11-03T04:00:00Z',
      runs: '2024-11-03T05:30:00.000Z',
    },
  ];
  for (const { change, cron, last: previous, night, runs } of nights) {
    it(`ticking every minute through a ${change} night in New York starts the daily run exactly once`, () => {
      const schedule = { cron, timezone: 'America/New_York' };
      let last = new Date(previous);
      const started: string[] = [];
      for (let now = Date.parse(night); now <= Date.parse(night) + 5 * 3_600_000; now += 60_000) {
        for (const logicalDate of dueRuns({
          schedule,
          lastScheduledAt: last,
          now: new Date(now),
          catchUp: true,
        })) {
          started.push(logicalDate.toISOString());
          last = logicalDate;
        }
      }
      assert.deepEqual(started, [runs]);
    });
  }

  it(`catch-up starts at most ${MAX_CATCH_UP_RUNS} runs per tick; the next tick goes on from there`, () => {
    const schedule = { cron: 'every_15_minutes', timezone: 'UTC' };
    const now = new Date('2024-05-31T00:00:00Z');
    const first = dueRuns({
      schedule,
      lastScheduledAt: new Date('2024-05-01T00:00:00Z'),
      now,
      catchUp: true,
    });
    assert.equal(first.length, MAX_CATCH_UP_RUNS);
    assert.equal(first[0]!.toISOString(), '2024-05-01T00:15:00.000Z');
    const second = dueRuns({ schedule, lastScheduledAt: first.at(-1)!, now, catchUp: true });
    assert.equal(second[0]!.getTime() - first.at(-1)!.getTime(), 15 * 60_000);
    const third = dueRuns({ schedule, lastScheduledAt: second.at(-1)!, now, catchUp: true });
    assert.equal(first.length + second.length + third.length, 30 * 24 * 4);
    assert.equal(third.at(-1)!.toISOString(), now.toISOString());
  });
});

describe('backfill', () => {
  it('gives one logical date per scheduled time in the range, both ends included', () => {
    // Local midnights in Berlin across the spring change: 23:00Z before it, 22:00Z after.
    const dates = backfillDates(
      { cron: 'daily', timezone: 'Europe/Berlin' },
      new Date('2024-03-28T23:00:00Z'),
      new Date('2024-04-01T22:00:00Z'),
    );
    assert.deepEqual(iso(dates), [
      '2024-03-28T23:00:00.000Z',
      '2024-03-29T23:00:00.000Z',
      '2024-03-30T23:00:00.000Z',
      '2024-03-31T22:00:00.000Z',
      '2024-04-01T22:00:00.000Z',
    ]);
  });

  it('a range with no scheduled time gives none', () => {
    const dates = backfillDates(
      { cron: 'monthly' },
      new Date('2024-05-02T00:00:00Z'),
      new Date('2024-05-31T00:00:00Z'),
    );
    assert.deepEqual(dates, []);
  });

  it('refuses a range that ends before it starts', () => {
    assert.throws(
      () => backfillDates(hourly, new Date('2024-05-02T00:00:00Z'), new Date('2024-05-01T00:00:00Z')),
      (error: unknown) =>
        error instanceof DataBridgeError &&
        error.code === 'bad_spec' &&
        error.message ===
          'From (2024-05-02T00:00:00.000Z) is after to (2024-05-01T00:00:00.000Z): swap them.',
    );
  });

  it('refuses a range holding more runs than the limit instead of cutting it short', () => {
    assert.throws(
      () => backfillDates(hourly, new Date('2024-01-01T00:00:00Z'), new Date('2024-03-01T00:00:00Z')),
      /holds more than 1000 scheduled runs: ask for a shorter range/,
    );
    assert.throws(
      () => backfillDates(hourly, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T05:00:00Z'), 5),
      /more than 5 scheduled runs/,
    );
    assert.equal(
      backfillDates(hourly, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T04:00:00Z'), 5).length,
      5,
    );
  });
});
