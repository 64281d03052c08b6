import type { Connection } from '../connectors/connection.ts';
import { messageOf } from '../errors.ts';
import type { ValidationRule } from '../spec/spec-schema.ts';
import { keptText } from './kept-text.ts';

/** The most characters of a rule's value kept in the summary and the report. */
const MAX_VALUE = 1_000;

export interface RuleResult {
  readonly name: string;
  readonly ok: boolean;
  readonly expected: unknown;
  /** The value the query returned, or null when it failed. */
  readonly actual: unknown;
  readonly message: string;
}

/** Runs each rule's query and compares its single value with what the rule expects. */
export async function checkRules(
  rules: readonly ValidationRule[],
  connections: { source: Connection; target: Connection },
): Promise<RuleResult[]> {
  const results: RuleResult[] = [];
  for (const rule of rules) {
    try {
      const rows = await connections[rule.on].query(rule.sql);
      const value = rows.length === 0 ? null : Object.values(rows[0]!)[0];
      const ok = sameValue(value, rule.expect);
      // A long value is kept cut: it goes into the summary and the report.
      const actual =
        typeof value === 'bigint'
          ? value.toString()
          : typeof value === 'string'
            ? keptText(value, MAX_VALUE)
            : value;
      results.push({
        name: rule.name,
        ok,
        expected: rule.expect,
        actual,
        message: ok
          ? 'ok'
          : `returned ${JSON.stringify(keptText(String(value), MAX_VALUE))}, expected ${JSON.stringify(rule.expect)}`,
      });
    } catch (error) {
      results.push({
        name: rule.name,
        ok: false,
        expected: rule.expect,
        actual: null,
        message: `the query failed: ${messageOf(error)}`,
      });
    }
  }
  return results;
}

/** Drivers return counts as numbers, strings or bigints: compare by value, not by type. */
function sameValue(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual === null || expected === null) return false;
  if (typeof expected === 'number') return Number(actual) === expected;
  if (typeof expected === 'boolean')
    return actual === (expected ? 1 : 0) || String(actual) === String(expected);
  return String(actual) === String(expected);
}
