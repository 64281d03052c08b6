import { Readable } from 'node:stream';
import type { LoadTarget } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import { type ColumnInfo, qualifiedName } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import type { MysqlDialect } from './mysql-dialect.ts';
import { toUtcDateTime } from './mysql-time.ts';

type Encode = (value: Value) => string;

const CHUNK_CHARS = 256 * 1024;
const TSV_SPECIAL = /[\\\t\n\r\0]/;
const TSV_SPECIALS = /[\\\t\n\r\0]/g;
const TSV_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
};

/**
 * `LOAD DATA LOCAL INFILE` of a batch sent as tab-separated text from memory (no file is ever read:
 * the stream answers whatever name the server asks for). Binary columns travel as hex through a user
 * variable and UNHEX(), so that no byte is taken for text. With LOCAL the server cannot stop the
 * upload, so it turns errors into warnings and skips rows: the loader treats any warning as a failure
 * of the whole batch (see mysql-bulk-loader.ts).
 */
export function loadDataStatement(dialect: MysqlDialect, target: LoadTarget): string {
  const q = dialect.quoteIdentifier;
  const targets = target.columns.map((c, i) =>
    c.type === 'binary' || c.type === 'bit' ? `@v${i}` : q(c.name),
  );
  // Bits travel as text of 0s and 1s, which BIT would take as bytes: CONV makes them the number.
  const sets = target.columns.flatMap((c, i) =>
    c.type === 'binary'
      ? [`${q(c.name)} = UNHEX(@v${i})`]
      : c.type === 'bit'
        ? [`${q(c.name)} = CAST(CONV(@v${i}, 2, 10) AS UNSIGNED)`]
        : [],
  );
  return (
    `LOAD DATA LOCAL INFILE 'databridge' INTO TABLE ${dialect.qualify(target.table)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${targets.join(', ')})` +
    (sets.length > 0 ? ` SET ${sets.join(', ')}` : '')
  );
}

/**
 * The rows as the tab-separated text loadDataStatement expects, encoded chunk by chunk while the
 * server reads: client and server work at the same time. A value MySQL cannot take fails the stream,
 * which ends the upload and fails the statement.
 */
export function tsvStream(target: LoadTarget, rows: readonly Row[]): Readable {
  return Readable.from(tsvChunks(target, rows));
}

/** The text of tsvStream, about 256 KiB at a time. */
export function* tsvChunks(target: LoadTarget, rows: readonly Row[]): Generator<Buffer> {
  const encoders = target.columns.map(fieldEncoder);
  let text = '';
  for (let r = 0; r < rows.length; r++) {
    text += encodeLine(rows[r]!, encoders, target, r);
    if (text.length >= CHUNK_CHARS) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text, 'utf8');
}

function encodeLine(row: Row, encoders: readonly Encode[], target: LoadTarget, index: number): string {
  if (row.length !== encoders.length) {
    const where = `${qualifiedName(target.table)}: row ${index + 1} of the batch`;
    throw new DataBridgeError(
      'internal',
      `Writing to ${where} has ${row.length} values for ${encoders.length} columns`,
    );
  }
  let line = '';
  for (let i = 0; i < row.length; i++) {
    const value = row[i]!;
    try {
      line += (i === 0 ? '' : '\t') + (value === null ? '\\N' : encoders[i]!(value));
    } catch (error) {
      const where = `${qualifiedName(target.table)}, row ${index + 1} of the batch, column ${target.columns[i]!.name}`;
      throw new DataBridgeError('bad_value', `Writing to ${where}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return `${line}\n`;
}

function fieldEncoder(column: ColumnInfo): Encode {
  switch (column.type) {
    case 'binary':
      return (v) =>
        (v instanceof Uint8Array
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
          : Buffer.from(text(v))
        ).toString('hex');
    case 'timestamp':
    case 'timestamptz':
      return (v) => text(typeof v === 'string' ? (toUtcDateTime(v) ?? v) : v);
    default:
      return text;
  }
}

/** A non-null value as TSV text: booleans 1/0, strings escaped. */
function text(value: Value): string {
  switch (typeof value) {
    case 'string':
      return TSV_SPECIAL.test(value) ? value.replace(TSV_SPECIALS, (c) => TSV_ESCAPES[c]!) : value;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`MySQL cannot store ${value}`);
      return String(value);
    case 'boolean':
      return value ? '1' : '0';
    case 'bigint':
      return value.toString();
    default:
      throw new Error('bytes for a column that is not binary');
  }
}
