import { DEFAULT_CAPABILITIES } from '../connectors/connection.ts';
import type { ConnectorDescriptor } from '../connectors/connector.ts';
import { classify, isSqliteError } from './sqlite-errors.ts';

/** SQLite as the rest of DataBridge sees it: a file, no server. */
export const sqliteConnector = {
  name: 'sqlite',
  label: 'SQLite',
  schemes: ['sqlite'],
  kinds: [{ kind: 'sqlite', label: 'SQLite', scheme: 'sqlite' }],
  server: undefined,
  capabilities: { ...DEFAULT_CAPABILITIES, transactionalDdl: true },
  valueLimits: {
    nan: 'becomes_null',
    zeroDates: false,
    infinity: true,
    nulCharacter: true,
    textBytes: {},
    blobBytes: {},
    integerBits: {},
    enumLabels: false,
    timestampRange: undefined,
    // Times are text: whatever the declared type, the fraction is kept to the microsecond.
    fraction: { declared: false, undeclared: 6 },
  },
  sql: { hashComment: false },
  names: {
    // SQLite has no limit of its own; this keeps the name portable.
    maxLength: 128,
    unit: 'characters',
    foldsUnquoted: false,
    refuse: (part, what) =>
      /^sqlite_/i.test(part) ? `SQLite keeps ${what} names starting with sqlite_ for itself` : undefined,
  },
  declaredTypesHold: false,
  newNames: 'as_is',
  classifyError: (error) => (isSqliteError(error) ? classify(error, error.message) : undefined),
} as const satisfies ConnectorDescriptor;
