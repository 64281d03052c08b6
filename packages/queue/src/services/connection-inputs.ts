import { CONNECTORS, type ConnectorKindName, connectorForKind } from '@databridge/engine/client-safe';
import { z } from 'zod';

// The inputs of the connection services: plain zod, no server imports, so that the browser's forms
// validate with the very schemas the API uses.

/** The kinds a user picks in the form, as the connector registry lists them; MariaDB is MySQL with its own URL scheme. */
export const CONNECTION_KINDS = CONNECTORS.flatMap((c) => c.kinds.map((k) => k.kind)) as [
  ConnectorKindName,
  ...ConnectorKindName[],
];
export type ConnectionFormKind = ConnectorKindName;

/** What the form and the URL builder need to know of a kind, from its connector's descriptor. */
export interface KindFacts {
  readonly label: string;
  /** The URL scheme of the kind: `mariadb`. */
  readonly scheme: string;
  /** Undefined for a database that is a file (SQLite): the form asks for the file instead. */
  readonly server:
    | { readonly defaultPort: number; readonly defaultUser: string; readonly sslmode: boolean }
    | undefined;
}

/** The descriptor facts of a form kind. */
export function kindFacts(kind: ConnectionFormKind): KindFacts {
  const found = connectorForKind(kind)!;
  const label = found.connector.kinds.find((k) => k.kind === kind)!.label;
  return { label, scheme: found.scheme, server: found.connector.server };
}

/** The port a server kind listens on unless told otherwise. */
export const DEFAULT_PORTS: Partial<Record<ConnectionFormKind, number>> = Object.fromEntries(
  CONNECTION_KINDS.flatMap((kind) => {
    const server = kindFacts(kind).server;
    return server ? [[kind, server.defaultPort]] : [];
  }),
);

export const ConnectionId = z.string().trim().min(1, 'is required').max(100, 'is not a connection id');

// No messages of their own: the one error map words them from the field's label ("Port must be at
// most 65,535 (not 70,000).").
const connectionName = z.string().trim().min(1).max(100);

/**
 * Where a connection points, as the form asks for it: either a whole URL, or its parts (host, port,
 * user, password, database; a file for SQLite). Shared by the API and the browser form.
 */
const locationFields = {
  url: z.string().trim().min(1).max(4000).optional(),
  kind: z.enum(CONNECTION_KINDS).optional(),
  host: z.string().trim().max(255).optional(),
  port: z.coerce.number().int().min(1).max(65535).optional(),
  user: z.string().trim().max(255).optional(),
  /** Omitted (or empty in the form): keep the stored password on update, none on create. */
  password: z.string().max(1000).optional(),
  /** True removes the stored password on update. */
  clearPassword: z.boolean().optional(),
  database: z.string().trim().max(255).optional(),
  /** SQLite only: the database file, absolute or relative to the server's working directory. */
  file: z.string().trim().max(4000).optional(),
  /** PostgreSQL only: `sslmode` (disable, prefer, require, verify-full …). */
  sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
};

export type LocationInput = {
  url?: string | undefined;
  kind?: ConnectionFormKind | undefined;
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  database?: string | undefined;
  file?: string | undefined;
};

/** Checks that the parts a kind needs are there, naming the missing field. */
function requireLocation(input: LocationInput, ctx: z.RefinementCtx, required: boolean): void {
  if (input.url !== undefined) return;
  if (input.kind === undefined) {
    if (required) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'choose a database kind' });
    return;
  }
  if (!kindFacts(input.kind).server) {
    if (!input.file) ctx.addIssue({ code: 'custom', path: ['file'], message: 'name the database file' });
    return;
  }
  if (!input.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'a host is required' });
  if (!input.database)
    ctx.addIssue({ code: 'custom', path: ['database'], message: 'a database name is required' });
}

/** Body of `POST /api/connections`. */
export const CreateConnectionInput = z
  .object({ name: connectionName, ...locationFields })
  .strict()
  .superRefine((input, ctx) => requireLocation(input, ctx, true));
export type CreateConnectionInput = z.input<typeof CreateConnectionInput>;

/** Body of `PATCH /api/connections/[id]`: any field; location parts merge with the stored ones. */
export const UpdateConnectionInput = z
  .object({ name: connectionName.optional(), ...locationFields })
  .strict()
  .superRefine((input, ctx) => requireLocation(input, ctx, false));
export type UpdateConnectionInput = z.input<typeof UpdateConnectionInput>;
