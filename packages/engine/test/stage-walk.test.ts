import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StageId } from '../src/plan/plan-types.ts';
import type { StageStatus } from '../src/run/progress.ts';
import { nextStep, type OpenTask, type WalkState } from '../src/run/stage-walk.ts';

/**
 * The one walk both executors follow (the CLI's run, the server's executions): what happens next,
 * given what is recorded. A dimension with two levels (artist <- album) and a fact (track).
 */
const tasks: OpenTask[] = [
  { id: 'artist-1', mappingId: 'artist', stage: 'load_dimensions', level: 0 },
  { id: 'artist-2', mappingId: 'artist', stage: 'load_dimensions', level: 0 },
  { id: 'album-1', mappingId: 'album', stage: 'load_dimensions', level: 1 },
  { id: 'track-1', mappingId: 'track', stage: 'load_facts', level: 2 },
];

function state(stages: Partial<Record<StageId, StageStatus>>, overrides: Partial<WalkState> = {}): WalkState {
  return {
    stages: new Map(Object.entries(stages) as [StageId, StageStatus][]),
    loadStagesWithWork: ['load_dimensions', 'load_facts'],
    openTasks: tasks,
    levelsMayOverlap: true,
    ...overrides,
  };
}

const extracted = { extract: 'completed', transform: 'completed' } as const;

describe('the stage walk', () => {
  test('starts with the extract, and goes on from a failed stage', () => {
    assert.deepEqual(nextStep(state({})), { kind: 'stage', stageId: 'extract' });
    assert.deepEqual(nextStep(state({ extract: 'completed', transform: 'failed' })), {
      kind: 'stage',
      stageId: 'transform',
    });
  });

  test('with keys checked after the load, every open task of every load stage may run at once, parents first', () => {
    assert.deepEqual(nextStep(state(extracted, { openTasks: [...tasks].reverse() })), {
      kind: 'load',
      stageIds: ['load_dimensions', 'load_facts'],
      taskIds: ['artist-2', 'artist-1', 'album-1', 'track-1'],
    });
  });

  test('with keys checked while loading, one level of one stage at a time', () => {
    const perRow = { levelsMayOverlap: false };
    assert.deepEqual(nextStep(state(extracted, perRow)), {
      kind: 'load',
      stageIds: ['load_dimensions'],
      taskIds: ['artist-1', 'artist-2'],
    });
    const artistsDone = { ...perRow, openTasks: tasks.slice(2) };
    assert.deepEqual(nextStep(state({ ...extracted, load_dimensions: 'running' }, artistsDone)), {
      kind: 'load',
      stageIds: ['load_dimensions'],
      taskIds: ['album-1'],
    });
  });

  test('a load stage whose tasks are done is finished, then the next one loads', () => {
    const factsOpen = { openTasks: tasks.slice(3), levelsMayOverlap: false };
    assert.deepEqual(nextStep(state({ ...extracted, load_dimensions: 'running' }, factsOpen)), {
      kind: 'finish_load',
      stageId: 'load_dimensions',
    });
    assert.deepEqual(nextStep(state({ ...extracted, load_dimensions: 'completed' }, factsOpen)), {
      kind: 'load',
      stageIds: ['load_facts'],
      taskIds: ['track-1'],
    });
  });

  test('a load stage without tables is skipped when the walk reaches it, not before', () => {
    const noFacts = { loadStagesWithWork: ['load_dimensions'] as const, openTasks: tasks.slice(0, 3) };
    assert.deepEqual(nextStep(state({}, noFacts)), { kind: 'stage', stageId: 'extract' });
    const dimensionsDone = { ...extracted, load_dimensions: 'completed' } as const;
    assert.deepEqual(nextStep(state(dimensionsDone, { ...noFacts, openTasks: [] })), {
      kind: 'skip',
      stageId: 'load_facts',
    });
  });

  test('validate after the load, then the report', () => {
    const loaded = { ...extracted, load_dimensions: 'completed', load_facts: 'completed' } as const;
    assert.deepEqual(nextStep(state(loaded, { openTasks: [] })), { kind: 'stage', stageId: 'validate' });
    assert.deepEqual(nextStep(state({ ...loaded, validate: 'completed' }, { openTasks: [] })), {
      kind: 'report',
    });
  });
});
