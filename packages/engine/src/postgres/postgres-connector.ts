import type { ConnectorDescriptor } from '../connectors/connector.ts';
import { classifyPgError } from './postgres-errors.ts';

/** PostgreSQL as the rest of DataBridge sees it: the facts outside this folder ask for. */
export const postgresConnector = {
  name: 'postgres',
  label: 'PostgreSQL',
  schemes: ['postgres', 'postgresql'],
  kinds: [{ kind: 'postgres', label: 'PostgreSQL', scheme: 'postgres' }],
  server: { defaultPort: 5432, defaultUser: 'postgres', sslmode: true },
  capabilities: {
    multipleSchemas: true,
    transactionalDdl: true,
    rowValueComparison: true,
    serverSideCursor: true,
    copyText: true,
    copyBinary: true,
    bulkLoad: 'copy',
    upsert: true,
    keyRangeSplit: true,
    checkpointsInTarget: true,
  },
  valueLimits: {
    nan: 'stored',
    zeroDates: false,
    infinity: true,
    nulCharacter: false,
    textBytes: {},
    blobBytes: {},
    integerBits: {},
    enumLabels: false,
    timestampRange: undefined,
    fraction: { declared: true, undeclared: 6 },
  },
  sql: { hashComment: false },
  // PostgreSQL cuts longer names to 63 bytes.
  names: { maxLength: 63, unit: 'bytes', foldsUnquoted: true, refuse: () => undefined },
  // Unquoted names fold to lower case in PostgreSQL: new names are snake_case so nobody has to quote.
  declaredTypesHold: true,
  newNames: 'snake_case',
  classifyError: classifyPgError,
} as const satisfies ConnectorDescriptor;
