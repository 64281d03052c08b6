import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONNECTORS } from '../src/connectors/registry.ts';
import { parseConnectionUrl } from '../src/connectors/url.ts';
import { compileConverter } from '../src/convert/convert-value.ts';
import { RowValueError } from '../src/convert/row-value-error.ts';
import { checkSqlFragment } from '../src/plan/sql-fragment.ts';
import { column } from './support/builders.ts';

/**
 * What each descriptor declares is what users meet: the URLs it parses, the values its converters
 * refuse, the SQL its filters may hold. Runs over the registry, so a new connector is checked too.
 */
for (const connector of CONNECTORS) {
  describe(`${connector.label} descriptor`, () => {
    test('every scheme it declares parses to it, with its default port and user', () => {
      for (const scheme of connector.schemes) {
        const url = connector.server ? `${scheme}://db.example.com/shop` : `${scheme}:/data/shop.db`;
        const settings = parseConnectionUrl(url);
        assert.equal(settings.dialect, connector.name);
        assert.equal(settings.port, connector.server?.defaultPort ?? 0);
        assert.equal(settings.user, connector.server?.defaultUser ?? '');
      }
    });

    test('an unknown scheme is refused naming every scheme the registry knows', () => {
      assert.throws(
        () => parseConnectionUrl('oracle://db/shop'),
        (e: Error) => connector.schemes.every((s) => e.message.includes(`${s}:`)),
      );
    });

    test('a float column takes ±Infinity and NaN only where the descriptor says so', () => {
      const convert = compileConverter(column('ratio', 'float64'), { targetDialect: connector.name });
      const takes = (value: number) => {
        try {
          convert(value);
          return true;
        } catch (error) {
          assert.ok(error instanceof RowValueError);
          assert.match(error.message, new RegExp(connector.label));
          return false;
        }
      };
      assert.equal(takes(Number.POSITIVE_INFINITY), connector.valueLimits.infinity);
      assert.equal(takes(Number.NaN), connector.valueLimits.nan === 'stored');
    });

    test('text refuses the NUL character only where the descriptor says so', () => {
      const convert = compileConverter(column('body', 'text'), { targetDialect: connector.name });
      const takes = () => {
        try {
          convert('a\u0000b');
          return true;
        } catch {
          return false;
        }
      };
      assert.equal(takes(), connector.valueLimits.nulCharacter);
    });

    test('`#` in a row filter is a comment only where the descriptor says so', () => {
      const check = () => checkSqlFragment("data #>> '{a}' = 'x'", 'filter', 'where', connector.name);
      if (connector.sql.hashComment) assert.throws(check, /comment/);
      else assert.doesNotThrow(check);
    });
  });
}

test('the registry lists each dialect, scheme and form kind once', () => {
  const names = CONNECTORS.map((c) => c.name);
  const schemes = CONNECTORS.flatMap((c) => c.schemes);
  const kinds = CONNECTORS.flatMap((c) => c.kinds.map((k) => k.kind));
  assert.equal(new Set(names).size, names.length);
  assert.equal(new Set(schemes).size, schemes.length);
  assert.equal(new Set(kinds).size, kinds.length);
});
