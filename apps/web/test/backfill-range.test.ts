import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backfillRange, startOfDay, today } from '../app/(wizard)/projects/[id]/schedule/backfill-range.ts';

const iso = (t: number) => new Date(t).toISOString();

describe('backfill date range in the timetable’s time zone', () => {
  test('whole days, from the first midnight to the last millisecond of the last day', () => {
    assert.deepEqual(backfillRange('2024-05-01', '2024-05-03', 'UTC', Date.parse('2030-01-01')), {
      from: '2024-05-01T00:00:00.000Z',
      to: '2024-05-03T23:59:59.999Z',
    });
    assert.deepEqual(backfillRange('2024-05-01', '2024-05-01', 'Asia/Kolkata', Date.parse('2030-01-01')), {
      from: '2024-04-30T18:30:00.000Z',
      to: '2024-05-01T18:29:59.999Z',
    });
  });

  test('a range that ends today ends now', () => {
    const now = Date.parse('2024-05-03T12:34:56.000Z');
    assert.equal(backfillRange('2024-05-01', '2024-05-03', 'UTC', now).to, iso(now));
  });

  test('days around clock changes start at their real midnight, or when clocks jump over it', () => {
    // New York springs forward at 02:00: midnight is still EST (-05:00), the next one EDT (-04:00).
    assert.equal(iso(startOfDay('2024-03-10', 'America/New_York')), '2024-03-10T05:00:00.000Z');
    assert.equal(iso(startOfDay('2024-03-11', 'America/New_York')), '2024-03-11T04:00:00.000Z');
    // Santiago jumps from 00:00 to 01:00: the day begins at 01:00 -03:00.
    assert.equal(iso(startOfDay('2024-09-08', 'America/Santiago')), '2024-09-08T04:00:00.000Z');
    // Havana falls back from 01:00 to 00:00: midnight happens twice, the day begins at the first.
    assert.equal(iso(startOfDay('2024-11-03', 'America/Havana')), '2024-11-03T04:00:00.000Z');
  });

  test('today is the date the zone’s clocks show', () => {
    const now = Date.parse('2024-05-01T20:00:00.000Z');
    assert.equal(today('Asia/Kolkata', now), '2024-05-02');
    assert.equal(today('America/Los_Angeles', now), '2024-05-01');
  });
});
