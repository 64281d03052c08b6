import type { Dialect } from '../connectors/connection.ts';
import type { ColumnInfo, TableInfo, TableRef } from '../schema/model.ts';
import { mysqlComment, mysqlDefaultClause } from './mysql-default-ddl.ts';

type TypedColumn = Pick<ColumnInfo, 'type' | 'length' | 'precision' | 'scale' | 'nativeType'>;

/** utf8mb4 characters that fit a 65,535-byte row; longer strings become longtext. */
const MAX_VARCHAR = 16383;
/** utf8mb4 characters that fit InnoDB's 3,072-byte index key. */
const MAX_KEY_VARCHAR = 768;
/** Bytes that all varchar/varbinary columns of a row may take together (MySQL's limit, with room). */
const ROW_BUDGET = 65000;
const MAX_NAME = 64;

/**
 * MySQL/MariaDB SQL: backtick quoting, `?` placeholders, and the types a column of another database
 * becomes. The "schema" of a table is its database; `defaultSchema` is the connected one.
 */
export class MysqlDialect implements Dialect {
  readonly name = 'mysql';

  constructor(readonly defaultSchema: string) {}

  /** Backticks, embedded ones doubled. An arrow so that it can be passed around unbound. */
  readonly quoteIdentifier = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

  qualify(table: TableRef): string {
    return `${this.quoteIdentifier(table.schema)}.${this.quoteIdentifier(table.name)}`;
  }

  placeholder(_index: number): string {
    return '?';
  }

  /**
   * Lossless where MySQL allows it. Decimals keep their precision and scale; one of unknown or too
   * large precision becomes decimal(65,30), MySQL's widest, and the loader rejects a value that would
   * be rounded to fit (see mysql-warnings.ts). Both timestamp types become datetime(6): MySQL's TIMESTAMP
   * only spans 1970-2038, so a timestamptz is stored as its UTC time. A text or blob column inside a
   * key becomes varchar(255)/varbinary(255), since InnoDB cannot index a whole text.
   */
  columnType(column: TypedColumn, inKey = false): string {
    const unsigned = /\bunsigned\b/i.test(column.nativeType) ? ' unsigned' : '';
    const { length } = column;
    switch (column.type) {
      case 'boolean':
        return 'boolean';
      case 'int16':
        return `smallint${unsigned}`;
      case 'int32':
        return `int${unsigned}`;
      case 'int64':
        return `bigint${unsigned}`;
      case 'decimal':
        // A MySQL BIGINT UNSIGNED reads as decimal(20,0) (see mysql-column-types.ts): MySQL keeps it.
        if (/^bigint\b.*\bunsigned\b/i.test(column.nativeType)) return 'bigint unsigned';
        return decimalType(column.precision, column.scale);
      case 'float32':
        return 'float';
      case 'float64':
        return 'double';
      case 'string':
        if (inKey) return `varchar(${Math.min(length ?? 255, MAX_KEY_VARCHAR)})`;
        return length !== undefined && length <= MAX_VARCHAR ? `varchar(${length})` : 'longtext';
      case 'date':
        return 'date';
      case 'time':
        return 'time(6)';
      case 'timestamp':
      case 'timestamptz':
        return 'datetime(6)';
      case 'binary':
        if (length !== undefined && length <= 255) return `varbinary(${length})`;
        return inKey ? 'varbinary(255)' : 'longblob';
      case 'bit':
        // MySQL's BIT holds at most 64; a longer string of bits stays text.
        if (length !== undefined && length <= 64) return `bit(${length})`;
        return inKey ? 'varchar(255)' : 'longtext';
      case 'json':
        return 'json';
      case 'uuid':
        return 'char(36)';
      case 'text':
      case 'unknown':
        return inKey ? 'varchar(255)' : 'longtext';
    }
  }

  createTable(table: TableInfo, target: TableRef): string {
    const q = this.quoteIdentifier;
    const primary = new Set(table.primaryKey);
    const keyed = new Set([...primary, ...table.uniqueConstraints.flatMap((u) => u.columns)]);
    // A MySQL ENUM or SET keeps its labels on a MySQL target.
    const ownType = (c: ColumnInfo) =>
      /^(enum|set)\(/i.test(c.nativeType) && !keyed.has(c.name)
        ? c.nativeType
        : this.columnType(c, keyed.has(c.name));
    const types = fitRow(
      table.columns.map(ownType),
      table.columns.map((c) => keyed.has(c.name)),
    );
    const lines = table.columns.map((c, i) => {
      const notNull = !c.nullable || primary.has(c.name) ? ' NOT NULL' : '';
      // AUTO_INCREMENT must lead an index: keep it where it is the first key column, so that the
      // application can go on inserting after the migration.
      const auto =
        c.autoIncrement && table.primaryKey[0] === c.name && /int/.test(types[i]!) ? ' AUTO_INCREMENT' : '';
      // A default the loader never uses (it writes every column), for the application afterwards.
      const byDefault = mysqlDefaultClause(c, types[i]!) ?? '';
      const comment = c.comment ? ` COMMENT ${mysqlComment(c.comment)}` : '';
      return `  ${q(c.name)} ${types[i]}${notNull}${auto}${byDefault}${comment}`;
    });
    if (table.primaryKey.length > 0) lines.push(`  PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`);
    for (const unique of table.uniqueConstraints) {
      lines.push(`  UNIQUE KEY ${q(unique.name.slice(0, MAX_NAME))} (${unique.columns.map(q).join(', ')})`);
    }
    const comment = table.comment ? ` COMMENT=${mysqlComment(table.comment)}` : '';
    return `CREATE TABLE ${this.qualify(target)} (\n${lines.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4${comment}`;
  }

  /** Referenced tables are looked for in the target's database, where the migration puts them. */
  addForeignKeys(table: TableInfo, target: TableRef): string[] {
    const q = this.quoteIdentifier;
    return table.foreignKeys.map((fk) => {
      const name = (fk.name || `fk_${target.name}_${fk.columns.join('_')}`).slice(0, MAX_NAME);
      const referenced = this.qualify({ schema: target.schema, name: fk.referencedTable });
      return (
        `ALTER TABLE ${this.qualify(target)} ADD CONSTRAINT ${q(name)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) ` +
        `REFERENCES ${referenced} (${fk.referencedColumns.map(q).join(', ')})`
      );
    });
  }
}

function decimalType(precision: number | undefined, scale: number | undefined): string {
  if (precision === undefined || precision > 65 || (scale ?? 0) > 30) return 'decimal(65,30)';
  return `decimal(${precision},${Math.max(0, scale ?? 0)})`;
}

/** Turns the widest non-key varchars into longtext until the row fits MySQL's 65,535-byte limit. */
function fitRow(types: string[], keyed: readonly boolean[]): string[] {
  const bytes = (type: string) => {
    const m = /^var(char|binary)\((\d+)\)$/.exec(type);
    if (!m) return 16;
    return Number(m[2]) * (m[1] === 'char' ? 4 : 1) + 2;
  };
  let total = types.reduce((sum, t) => sum + bytes(t), 0);
  while (total > ROW_BUDGET) {
    let widest = -1;
    types.forEach((t, i) => {
      if (!keyed[i] && t.startsWith('varchar') && (widest < 0 || bytes(t) > bytes(types[widest]!)))
        widest = i;
    });
    if (widest < 0) break;
    total -= bytes(types[widest]!) - 16;
    types[widest] = 'longtext';
  }
  return types;
}
