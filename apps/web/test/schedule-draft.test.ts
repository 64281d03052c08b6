import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  alertTargetsOf,
  checkScheduleDraft,
  chooseTimetable,
  cronErrorOf,
  cronOf,
  describeCron,
  matchingZones,
  scheduleDraftOf,
  withDependency,
} from '../app/(wizard)/projects/[id]/_wizard/schedule-draft.ts';

describe('the schedule step’s draft', () => {
  test('a project without a schedule starts from the defaults a user sees', () => {
    const draft = scheduleDraftOf(undefined);
    assert.equal(draft.timetable, 'none');
    assert.equal(draft.timezone, 'UTC');
    assert.equal(draft.enabled, true);
    assert.equal(draft.onFailure, true);
    assert.equal(draft.maxRetries, '0');
    assert.equal(draft.delayMinutes, '5');
    assert.equal(draft.maxActiveRuns, '1');
    const verdict = checkScheduleDraft(draft);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal('cron' in verdict.value, false, 'no timetable: runs only when started');
  });

  test('choosing custom cron fills in an example, and a preset keeps what was typed', () => {
    const custom = chooseTimetable(scheduleDraftOf(undefined), 'custom');
    assert.equal(custom.cron, '30 2 * * 1-5');
    const typed = { ...custom, cron: '0 6 * * *' };
    const daily = chooseTimetable(typed, 'daily');
    assert.equal(daily.cron, '0 6 * * *');
    assert.equal(chooseTimetable(daily, 'custom').cron, '0 6 * * *');
  });

  test('a preset saves its own cron expression beside its name', () => {
    const verdict = checkScheduleDraft(chooseTimetable(scheduleDraftOf(undefined), 'hourly'));
    assert.ok(verdict.ok);
    assert.equal((verdict.value as { preset?: string }).preset, 'hourly');
    assert.equal(
      (verdict.value as { cron?: string }).cron,
      cronOf(chooseTimetable(scheduleDraftOf(undefined), 'hourly')),
    );
  });

  test('an invalid cron is reported on the cron field, naming the part that is wrong', () => {
    const draft = { ...chooseTimetable(scheduleDraftOf(undefined), 'custom'), cron: '61 2 * * *' };
    const verdict = checkScheduleDraft(draft);
    assert.equal(verdict.ok, false);
    if (verdict.ok) return;
    assert.ok(verdict.errors.cron, JSON.stringify(verdict.errors));
    assert.match(cronErrorOf(draft, verdict.errors)!, /minute/);
    assert.equal(verdict.message, verdict.errors.cron);
  });

  test('a cron with a seconds field says so while it is typed', () => {
    const draft = { ...chooseTimetable(scheduleDraftOf(undefined), 'custom'), cron: '0 30 2 * * *' };
    assert.match(cronErrorOf(draft, {})!, /seconds field is not supported/);
  });

  test('a valid cron is put in words', () => {
    const verdict = describeCron('30 2 * * 1-5');
    assert.ok(verdict.ok);
    assert.match(verdict.text, /02:30/);
  });

  test('blank retry counts are reported on their field, not saved as zero', () => {
    const verdict = checkScheduleDraft({ ...scheduleDraftOf(undefined), maxRetries: '' });
    assert.equal(verdict.ok, false);
    if (verdict.ok) return;
    assert.ok(verdict.errors['retries.maxRetries']);
  });

  test('alert addresses split on commas, spaces and semicolons; a blank webhook is none', () => {
    const draft = {
      ...scheduleDraftOf(undefined),
      emails: ' ops@example.com, dba@example.com;x@example.com ',
      slack: '  ',
    };
    assert.deepEqual(alertTargetsOf(draft), {
      emails: ['ops@example.com', 'dba@example.com', 'x@example.com'],
    });
  });

  test('a malformed address is reported under the addresses', () => {
    const verdict = checkScheduleDraft({ ...scheduleDraftOf(undefined), emails: 'not-an-address' });
    assert.equal(verdict.ok, false);
    if (verdict.ok) return;
    assert.ok(
      Object.keys(verdict.errors).some((k) => k.startsWith('alerts.emails')),
      JSON.stringify(verdict.errors),
    );
  });

  test('the zone search matches words with spaces and keeps the chosen zone in the list', () => {
    const zones = ['UTC', 'America/New_York', 'Europe/Berlin'];
    assert.deepEqual(matchingZones(zones, 'new york', 'UTC'), ['UTC', 'America/New_York']);
    assert.deepEqual(matchingZones(zones, 'BERLIN', 'Europe/Berlin'), ['Europe/Berlin']);
    assert.deepEqual(matchingZones(zones, '', 'UTC'), zones);
  });

  test('ticking and unticking a project to wait for', () => {
    const draft = { ...scheduleDraftOf(undefined), dependsOn: ['a'] };
    assert.deepEqual(withDependency(draft, 'b', true), ['a', 'b']);
    assert.deepEqual(withDependency(draft, 'a', false), []);
  });
});
