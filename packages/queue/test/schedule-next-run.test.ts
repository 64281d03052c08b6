import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextRun } from '../src/schedule/index.ts';

describe('the next run a project list shows', () => {
  it('is the next weekday 02:30 in the project time zone, written in its wall clock', () => {
    // Friday 4 December 2026, 03:00 in Berlin (02:00 UTC): today's 02:30 has passed, Monday's is next.
    const now = new Date('2026-12-04T02:00:00Z');
    const next = nextRun({ cron: '30 2 * * 1-5', timezone: 'Europe/Berlin', enabled: true }, now);
    assert.deepEqual(next, {
      state: 'scheduled',
      at: '2026-12-07T01:30:00.000Z',
      timezone: 'Europe/Berlin',
      local: 'Mon 7 Dec, 02:30',
    });
  });

  it('follows the clock change: 02:30 New York on the day after spring-forward is 06:30 UTC', () => {
    const next = nextRun(
      { cron: '30 2 * * *', timezone: 'America/New_York' },
      new Date('2027-03-14T12:00:00Z'),
    );
    assert.equal(next.state, 'scheduled');
    assert.equal(next.state === 'scheduled' && next.at, '2027-03-15T06:30:00.000Z');
    assert.equal(next.state === 'scheduled' && next.local, 'Mon 15 Mar, 02:30');
  });

  it('says paused for a timetable switched off, and not scheduled without one', () => {
    const now = new Date('2026-12-04T02:00:00Z');
    assert.deepEqual(nextRun({ cron: '0 * * * *', enabled: false }, now), { state: 'paused' });
    assert.deepEqual(nextRun({ enabled: true }, now), { state: 'not_scheduled' });
    assert.deepEqual(nextRun(undefined, now), { state: 'not_scheduled' });
  });

  it('names what is wrong with a saved expression instead of inventing a time', () => {
    const next = nextRun({ cron: '61 2 * * *' }, new Date('2026-12-04T02:00:00Z'));
    assert.equal(next.state, 'invalid');
    assert.match(next.state === 'invalid' ? next.message : '', /minute/);
  });
});
