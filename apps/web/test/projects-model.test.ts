import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkNewProject, EMPTY_PROJECT, importBody } from '../app/(main)/projects/projects-model.ts';

describe('the projects page’s model', () => {
  test('a new project needs a name and both connections, each reported on its field', () => {
    const result = checkNewProject(EMPTY_PROJECT);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(Object.keys(result.errors).sort(), ['name', 'sourceConnectionId', 'targetConnectionId']);
  });

  test('a new project with its name and connections goes to the server', () => {
    assert.deepEqual(
      checkNewProject({ name: 'Chinook', sourceConnectionId: 'c1', targetConnectionId: 'c2' }),
      {
        ok: true,
      },
    );
  });

  test('an import sends only the choices made; blank ones are left to the file', () => {
    assert.deepEqual(importBody('version: 1', 'spec.yaml', { name: '  ', source: '', target: 'c2' }), {
      text: 'version: 1',
      fileName: 'spec.yaml',
      targetConnectionId: 'c2',
    });
    assert.deepEqual(importBody('{}', 'spec.json', { name: 'Copy', source: 'c1', target: '' }), {
      text: '{}',
      fileName: 'spec.json',
      name: 'Copy',
      sourceConnectionId: 'c1',
    });
  });
});
