/**
 * A row value as it travels between connectors. Every reader produces, and every loader accepts,
 * one canonical form per normalised type, chosen so that nothing is lost and nothing depends on the
 * time zone of the process:
 *
 * | normalised type | value |
 * | --- | --- |
 * | boolean | `boolean` |
 * | int16, int32 | `number` |
 * | int64 | `number` when it is a safe integer, else `string` of decimal digits (loaders also take `bigint`) |
 * | decimal | `string`, plain notation, exactly as stored (`"12.50"`) |
 * | float32, float64 | `number` (NaN and ±Infinity included) |
 * | string, text, uuid, json | `string` (JSON is its text, not a parsed object) |
 * | date | `string` `YYYY-MM-DD` |
 * | time | `string` `HH:MM:SS[.ffffff]` |
 * | timestamp | `string` `YYYY-MM-DD HH:MM:SS[.ffffff]` |
 * | timestamptz | `string` `YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM]` |
 *
 * Fractions of a second carry no trailing zeros (`13:14:15.5`, not `13:14:15.500000`), as PostgreSQL
 * prints them, so equal instants compare equal as text across databases.
 * | binary | `Uint8Array` (a Buffer) |
 * | bit | `string` of `0` and `1`, one character per bit |
 *
 * `null` is SQL NULL. JavaScript `Date` objects never travel: their millisecond precision and local
 * time zone would silently alter data.
 */
export type Value = null | boolean | number | bigint | string | Uint8Array;

export type Row = Value[];
