import type { ErrorCode } from '../errors.ts';
import type { Capabilities } from './connection.ts';

/**
 * What one database folder declares about itself, so that code outside the folder asks the
 * descriptor instead of testing `dialect === 'mysql'`. Plain data and pure functions only: the
 * browser's connection form reads it too, so no driver may be imported from here (connectors/open.ts
 * loads the connection class).
 */
export interface ConnectorDescriptor {
  /** The dialect name specs, plans and the store use. */
  readonly name: string;
  /** How messages name the database: `PostgreSQL`. */
  readonly label: string;
  /** URL schemes, without the colon, the first the canonical one: `postgres`, `postgresql`. */
  readonly schemes: readonly string[];
  /** The kinds a user picks in the connection form; a variant (MariaDB) has its own kind and scheme. */
  readonly kinds: readonly ConnectorKind[];
  /** A database behind a server (host, port, user); undefined for a file (SQLite). */
  readonly server: ServerDefaults | undefined;
  readonly capabilities: Capabilities;
  readonly valueLimits: ValueLimits;
  readonly sql: SqlLexicon;
  readonly names: NamingRules;
  /**
   * Whether every stored value is of its column's declared type and size (a server database), so a
   * value read from a column that fits its target by declaration needs no test; SQLite stores any
   * value in any column.
   */
  readonly declaredTypesHold: boolean;
  /** How a table or column the target does not have yet is named: snake_case, or as in the source. */
  readonly newNames: 'snake_case' | 'as_is';
  /**
   * What a driver error of this database says should happen next, by its code (SQLSTATE, errno,
   * result code); undefined when the error is not this driver's or its code says nothing.
   */
  classifyError(error: Error): ErrorCode | undefined;
}

export interface ConnectorKind {
  readonly kind: string;
  readonly label: string;
  /** The scheme a URL built from the form's parts starts with. */
  readonly scheme: string;
}

export interface ServerDefaults {
  readonly defaultPort: number;
  /** The user a URL without one connects as. */
  readonly defaultUser: string;
  /** The form offers `sslmode` (disable … verify-full), passed as `?sslmode=` in the URL. */
  readonly sslmode: boolean;
}

/** What the database refuses (or changes) in a table or schema name. */
export interface NamingRules {
  /** The longest identifier, counted in `unit`. */
  readonly maxLength: number;
  readonly unit: 'bytes' | 'characters';
  /** Unquoted names fold to lower case: capitals survive only when every query quotes the name. */
  readonly foldsUnquoted: boolean;
  /** Why the database refuses one part of a name beyond its length (`what`: table, schema), if it does. */
  refuse(part: string, what: string): string | undefined;
}

/** What SQL text spliced from the spec (a filter, an expression) must be read with. */
export interface SqlLexicon {
  /** `#` starts a comment (MySQL); elsewhere it is an operator (`#>>` in PostgreSQL). */
  readonly hashComment: boolean;
}

/** The values a database refuses or changes, so that converters reject them with a reason. */
export interface ValueLimits {
  /** NaN in a float column: kept, stored as NULL (so refused), or refused. */
  readonly nan: 'stored' | 'becomes_null' | 'refused';
  /** Date columns may hold `0000-00-00` (MySQL), which a spec may read as NULL (`zeroDates: null`). */
  readonly zeroDates: boolean;
  /** ±Infinity in a float column. */
  readonly infinity: boolean;
  /** U+0000 in text (and `\u0000` in jsonb). */
  readonly nulCharacter: boolean;
  /** Native text types with a limit in UTF-8 bytes whatever the character set: `tinytext: 255`. */
  readonly textBytes: Readonly<Record<string, number>>;
  /** Native binary types with a byte limit: `tinyblob: 255`. */
  readonly blobBytes: Readonly<Record<string, number>>;
  /** Native integer types narrower than their normalised type: `tinyint: 8`, `mediumint: 24`. */
  readonly integerBits: Readonly<Record<string, number>>;
  /** `enum('a','b')` columns take only their labels. */
  readonly enumLabels: boolean;
  /** A native `timestamp` column that holds only this UTC range (MySQL's 32-bit TIMESTAMP). */
  readonly timestampRange:
    | { readonly first: string; readonly last: string; readonly after: string }
    | undefined;
  /**
   * Digits of a fraction of a second kept: `(n)` of the native type when `declared`, otherwise
   * `undeclared` for a known native type (6 for a column with no native type).
   */
  readonly fraction: { readonly declared: boolean; readonly undeclared: number };
}
