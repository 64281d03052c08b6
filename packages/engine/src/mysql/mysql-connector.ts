import { DEFAULT_CAPABILITIES } from '../connectors/connection.ts';
import type { ConnectorDescriptor } from '../connectors/connector.ts';
import { classifyMysql2Error } from './mysql-errors.ts';

/** MySQL and MariaDB (a variant with its own scheme) as the rest of DataBridge sees them. */
export const mysqlConnector = {
  name: 'mysql',
  label: 'MySQL',
  schemes: ['mysql', 'mariadb'],
  kinds: [
    { kind: 'mysql', label: 'MySQL', scheme: 'mysql' },
    { kind: 'mariadb', label: 'MariaDB', scheme: 'mariadb' },
  ],
  server: { defaultPort: 3306, defaultUser: 'root', sslmode: false },
  capabilities: { ...DEFAULT_CAPABILITIES, bulkLoad: 'load_data' },
  valueLimits: {
    nan: 'refused',
    zeroDates: true,
    infinity: false,
    nulCharacter: true,
    textBytes: { tinytext: 255, text: 65535, mediumtext: 16777215 },
    blobBytes: { tinyblob: 255, blob: 65535, mediumblob: 16777215 },
    integerBits: { tinyint: 8, smallint: 16, mediumint: 24, int: 32, integer: 32, bigint: 64 },
    enumLabels: true,
    // TIMESTAMP is a 32-bit count of seconds since 1970 (its fraction may run to .999999 of `last`).
    timestampRange: {
      first: '1970-01-01 00:00:01',
      last: '2038-01-19 03:14:07',
      after: '2038-01-19 03:14:08',
    },
    // `datetime` and `time` without `(n)` keep whole seconds.
    fraction: { declared: true, undeclared: 0 },
  },
  sql: { hashComment: true },
  names: {
    maxLength: 64,
    unit: 'characters',
    foldsUnquoted: false,
    refuse(part, what) {
      if (/\s$/.test(part)) return `MySQL does not allow a ${what} name that ends with a space`;
      if ([...part].some((ch) => ch.codePointAt(0)! > 0xffff))
        return `MySQL does not allow characters beyond U+FFFF (such as emoji) in a ${what} name`;
      return undefined;
    },
  },
  declaredTypesHold: true,
  newNames: 'as_is',
  classifyError: classifyMysql2Error,
} as const satisfies ConnectorDescriptor;
