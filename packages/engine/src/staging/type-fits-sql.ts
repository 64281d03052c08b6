import type { ValueLimits } from '../connectors/connector.ts';
import { integerRange } from '../convert/convert-integer.ts';
import { fractionRoom, timestampRange } from '../convert/convert-temporal.ts';
import { enumLabels } from '../convert/convert-text.ts';
import { nativeBase } from '../convert/convert-types.ts';
import type { ConvertSource, ConvertTarget } from '../convert/convert-value.ts';
import { sqlText } from './staged-values-sql.ts';

/** What a column's SQL test is written from: its target, source and the target database's limits. */
export interface TypeFitsContext {
  readonly target: ConvertTarget;
  readonly source: ConvertSource | undefined;
  readonly limits: ValueLimits;
  /** The staging function that says whether text parses as JSON (PostgreSQL 15 has no `IS JSON`). */
  readonly jsonParses: string;
}

/**
 * An SQL condition over one staged value (`v`, jsonb, NULL when the row could not be read as jsonb)
 * that holds only for values the load's converter surely takes as they are (convert/): the forms its
 * fast paths accept, checked as strictly. Everything else is a candidate that the cleanse hands to the
 * converter itself, which decides and words the reason; so the condition may be stricter than the
 * converter (a few good values read twice) but never looser. Undefined where no such condition is
 * written (float32, binary, bit, negative scales): those values are checked by the load only.
 *
 * Every cast sits behind a CASE that has checked its input first: PostgreSQL does not evaluate AND
 * and OR in order, and one failed cast would fail the whole statement.
 */
export function typeFitsSql(v: string, ctx: TypeFitsContext): string | undefined {
  const kind = (cases: Partial<Record<'number' | 'string' | 'boolean' | 'object', string>>) =>
    `CASE jsonb_typeof(${v}) WHEN 'null' THEN true${Object.entries(cases)
      .map(([k, sql]) => ` WHEN '${k}' THEN ${sql}`)
      .join('')} ELSE false END`;
  const scalar = `(${v} #>> '{}')`;
  const { target } = ctx;
  switch (target.type) {
    case 'int16':
    case 'int32':
    case 'int64': {
      const { min, max } = integerRange({ target, limits: ctx.limits });
      const within = (n: string) => `${n} BETWEEN ${min} AND ${max}`;
      return kind({
        number: `${within(`(${v})::numeric`)} AND scale((${v})::numeric) = 0`,
        string: `CASE WHEN char_length(${scalar}) <= 21 AND ${scalar} ~ '^-?[0-9]+$' THEN ${within(`${scalar}::numeric`)} ELSE false END`,
        boolean: 'true',
        object: `CASE WHEN ${v} ? 'n' THEN ${within(`(${v}->>'n')::numeric`)} ELSE false END`,
      });
    }
    case 'decimal':
      return decimalFits(v, scalar, ctx, kind);
    case 'float64':
      // Every finite double fits a float64 column; NaN and ±Infinity are tagged objects, text is parsed.
      return kind({ number: 'true', boolean: 'true' });
    case 'boolean':
      return kind({
        boolean: 'true',
        number: `${v} IN ('0'::jsonb, '1'::jsonb)`,
        // The C collation lower-cases ASCII letters only, as the words are.
        string: `lower(${scalar} COLLATE "C") IN ('1', '0', 't', 'f', 'true', 'false', 'yes', 'no', 'on', 'off')`,
      });
    case 'string':
    case 'text':
      return textFits(scalar, ctx, kind);
    case 'date':
      return kind({ string: `CASE WHEN ${scalar} ~ '^${DAY}$' THEN ${calendarSql(scalar)} ELSE false END` });
    case 'time':
      return kind({ string: clockSql(scalar, 0, '', ctx) });
    case 'timestamp':
    case 'timestamptz': {
      const zone = target.type === 'timestamptz' ? '+00' : '';
      const range = target.type === 'timestamptz' ? timestampRange(ctx) : undefined;
      const inRange = range
        ? ` AND ${scalar} COLLATE "C" >= ${sqlText(range.first)} AND ${scalar} COLLATE "C" < ${sqlText(range.after)}`
        : '';
      return kind({
        string: `CASE WHEN ${clockSql(scalar, 11, zone, ctx)} THEN ${calendarSql(scalar)}${inRange} ELSE false END`,
      });
    }
    case 'uuid':
      return kind({
        string: `char_length(${scalar}) = 36 AND ${scalar} ~ '^[0-9a-fA-F-]+$' AND char_length(replace(${scalar}, '-', '')) = 32 AND ${[9, 14, 19, 24].map((i) => `substr(${scalar}, ${i}, 1) = '-'`).join(' AND ')}`,
      });
    case 'json':
      return jsonFits(v, scalar, ctx, kind);
    default:
      return undefined;
  }
}

type Kind = (cases: Partial<Record<'number' | 'string' | 'boolean' | 'object', string>>) => string;

// Patterns without bounded repetition (`{4}`), which PostgreSQL's regular expressions run several
// times slower: lengths are checked apart.
const D = '[0-9]';
const DAY = `${D}${D}${D}${D}-${D}${D}-${D}${D}`;
/** A clock from 00:00:00 to 23:59:59 (24:00:00 is left to the converter). */
const CLOCK = `([01]${D}|2[0-3]):[0-5]${D}:[0-5]${D}`;

/**
 * `text` is a canonical clock after `at` characters of a date (`YYYY-MM-DD `) and before `zone`: an
 * optional fraction of a second within the target's digits, without a trailing zero.
 */
function clockSql(text: string, at: number, zone: string, ctx: TypeFitsContext): string {
  const digits = fractionRoom(ctx);
  const date = at === 0 ? '' : `${DAY} `;
  const fraction = digits === 0 ? '' : '(\\.[0-9]*[1-9])?';
  const longest = at + 8 + (digits === 0 ? 0 : digits + 1) + zone.length;
  return `char_length(${text}) <= ${longest} AND ${text} ~ '^${date}${CLOCK}${fraction}${zone.replace('+', '\\+')}$'`;
}

/**
 * `YYYY-MM-DD` (digits, checked before) at the start of `text` is a day of the calendar from the
 * year 1. Compared as text (C collation) where it can be: the days after the 28th alone need numbers.
 */
function calendarSql(text: string): string {
  const part = (from: number, length: number) => `substr(${text}, ${from}, ${length}) COLLATE "C"`;
  const y = `substr(${text}, 1, 4)::int`;
  const m = `substr(${text}, 6, 2)::int`;
  const leap = `(${y} % 4 = 0 AND (${y} % 100 <> 0 OR ${y} % 400 = 0))`;
  const days = `CASE WHEN ${m} IN (4, 6, 9, 11) THEN 30 WHEN ${m} = 2 THEN CASE WHEN ${leap} THEN 29 ELSE 28 END ELSE 31 END`;
  const day = `CASE WHEN ${part(9, 2)} <= '28' THEN true ELSE substr(${text}, 9, 2)::int <= ${days} END`;
  return `(${part(1, 4)} <> '0000' AND ${part(6, 2)} BETWEEN '01' AND '12' AND ${part(9, 2)} >= '01' AND ${day})`;
}

/** A number in plain notation. */
const PLAIN = '^-?[0-9]+(\\.[0-9]+)?$';

/** decimal(p,s): at most p-s digits before the point, s after it, no minus sign when unsigned. */
function decimalFits(v: string, scalar: string, ctx: TypeFitsContext, kind: Kind): string | undefined {
  const { target } = ctx;
  if (target.precision === undefined) {
    // PostgreSQL's numeric without precision takes any plain number short of 131072 digits.
    return kind({
      number: 'true',
      boolean: 'true',
      string: `char_length(${scalar}) <= 1000 AND ${scalar} ~ '${PLAIN}'`,
      object: `${v} ? 'n'`,
    });
  }
  const scale = target.scale ?? 0;
  const room = target.precision - scale;
  if (room < 1 || scale < 0) return undefined;
  const unsigned = target.unsigned === true || /\bunsigned\b/i.test(target.nativeType);
  // min_scale: trailing zeros do not count (`12.250` fits numeric(6,2), as the converter finds).
  const fits = (n: string) =>
    `abs(${n}) < 1${'0'.repeat(room)} AND min_scale(${n}) <= ${scale}${unsigned ? ` AND ${n} >= 0` : ''}`;
  return kind({
    number: fits(`(${v})::numeric`),
    boolean: 'true',
    string: `CASE WHEN char_length(${scalar}) <= 1000 AND ${scalar} ~ '${unsigned ? PLAIN.replace('-?', '') : PLAIN}' THEN ${fits(`${scalar}::numeric`)} ELSE false END`,
    object: `CASE WHEN ${v} ? 'n' THEN ${fits(`(${v}->>'n')::numeric`)} ELSE false END`,
  });
}

/**
 * string(n) and text: the length in characters (code points, as char_length counts them), MySQL's
 * byte limits and enum labels. NUL and lone surrogates are found on the whole staged row (typeChecks).
 */
function textFits(scalar: string, ctx: TypeFitsContext, kind: Kind): string {
  const { target, limits } = ctx;
  const base = nativeBase(target.nativeType);
  const length = target.type === 'string' ? target.length : undefined;
  const bytes = limits.textBytes[base];
  const labels = limits.enumLabels && base === 'enum' ? enumLabels(target.nativeType) : undefined;
  const tests = [
    length === undefined ? '' : ` AND char_length(${scalar}) <= ${length}`,
    bytes === undefined ? '' : ` AND octet_length(${scalar}) <= ${bytes}`,
    labels === undefined ? '' : ` AND ${scalar} IN (${[...labels].map(sqlText).join(', ')})`,
  ].join('');
  const string = `true${tests}`;
  // Numbers and booleans become their text; jsonb writes a number at least as long as JavaScript does
  // (1e21 in full), so a number it finds short enough is. An enum takes text only.
  if (labels !== undefined) return kind({ string });
  return kind({ string, number: string, boolean: string });
}

/** json: text that parses (the staging function), numbers and booleans; jsonb refuses `\u0000`. */
function jsonFits(v: string, scalar: string, ctx: TypeFitsContext, kind: Kind): string {
  const quoted =
    ctx.source !== undefined &&
    ['date', 'time', 'timestamp', 'timestamptz', 'uuid'].includes(ctx.source.type);
  // A date, time, timestamp or uuid source value becomes a JSON string, whatever its text.
  if (quoted) return kind({ string: 'true', number: 'true', boolean: 'true' });
  const jsonb = !ctx.limits.nulCharacter && nativeBase(ctx.target.nativeType) === 'jsonb';
  const nul = jsonb ? ` AND strpos(${scalar}, '\\u0000') = 0` : '';
  return kind({
    string: `${ctx.jsonParses}(${scalar})${nul}`,
    number: 'true',
    boolean: 'true',
    object: `${v} ? 'n'`,
  });
}
