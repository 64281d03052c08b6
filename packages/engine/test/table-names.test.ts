import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNewTableName, snakeCase } from '../src/spec/table-names.ts';

const SNAKE_TABLES = ['album', 'invoice_line', 'media_type'];

describe('names of new target tables', () => {
  it('asks about “bad name!”: a space and a “!”, with a snake_case suggestion', () => {
    const verdict = checkNewTableName('bad name!', 'postgres', SNAKE_TABLES);
    assert.equal(verdict.verdict, 'unusual');
    assert.ok(verdict.verdict === 'unusual');
    assert.match(verdict.reasons.join('; '), /a space, “!”, so every query must quote it/);
    assert.match(verdict.reasons.join('; '), /snake_case/);
    assert.equal(verdict.suggestion, 'bad_name');
  });

  it('accepts plain snake_case names, and CamelCase where the project has no convention', () => {
    assert.deepEqual(checkNewTableName('play_list', 'postgres', SNAKE_TABLES), { verdict: 'ok' });
    assert.deepEqual(checkNewTableName('archive.play_list', 'mysql', SNAKE_TABLES), { verdict: 'ok' });
    assert.deepEqual(checkNewTableName('PlayList', 'mysql', ['Album', 'Track']), { verdict: 'ok' });
  });

  it('asks about CamelCase in a snake_case project, and capitals on PostgreSQL', () => {
    const mysql = checkNewTableName('PlayList', 'mysql', SNAKE_TABLES);
    assert.ok(mysql.verdict === 'unusual');
    assert.deepEqual(mysql.reasons, ['the other tables are in snake_case']);
    assert.equal(mysql.suggestion, 'play_list');
    const pg = checkNewTableName('PlayList', 'postgres', []);
    assert.ok(pg.verdict === 'unusual');
    assert.match(pg.reasons[0]!, /PostgreSQL keeps its capitals only when quoted/);
  });

  it('refuses names the database would refuse or cut: 64 bytes on PostgreSQL, 65 characters on MySQL', () => {
    const pg63 = 'a'.repeat(63);
    assert.equal(checkNewTableName(pg63, 'postgres').verdict, 'ok');
    assert.deepEqual(checkNewTableName(`${pg63}b`, 'postgres'), {
      verdict: 'invalid',
      message: 'the table name is 64 bytes long; PostgreSQL allows at most 63',
    });
    // 32 two-byte characters: 32 characters but 64 bytes.
    assert.equal(checkNewTableName('é'.repeat(32), 'postgres').verdict, 'invalid');
    assert.notEqual(checkNewTableName('é'.repeat(32), 'mysql').verdict, 'invalid');
    assert.notEqual(checkNewTableName('a'.repeat(64), 'mysql').verdict, 'invalid');
    assert.deepEqual(checkNewTableName('a'.repeat(65), 'mysql'), {
      verdict: 'invalid',
      message: 'the table name is 65 characters long; MySQL allows at most 64',
    });
    assert.equal(checkNewTableName('trailing ', 'mysql').verdict, 'ok', 'trimmed first');
    assert.equal(checkNewTableName('emoji_😀', 'mysql').verdict, 'invalid');
    assert.equal(checkNewTableName('sqlite_stat9', 'sqlite').verdict, 'invalid');
    assert.equal(checkNewTableName('tab\tname', 'postgres').verdict, 'invalid');
    assert.equal(checkNewTableName('', 'postgres').verdict, 'invalid');
  });

  it('writes names in snake_case', () => {
    assert.equal(snakeCase('InvoiceLine'), 'invoice_line');
    assert.equal(snakeCase('HTTPLog'), 'http_log');
    assert.equal(snakeCase('2024 sales'), 't_2024_sales');
    assert.equal(snakeCase('!!!'), undefined);
  });
});
