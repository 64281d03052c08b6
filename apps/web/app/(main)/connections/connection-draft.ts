import type { ConnectionTestResult, ConnectionView } from '@databridge/queue';
import { fieldErrors } from '../../../lib/api-client.ts';
import {
  type ConnectionFormKind,
  CreateConnectionInput,
  kindFacts,
  peopleError,
  UpdateConnectionInput,
} from '../../../lib/client-safe.ts';

/**
 * The connection form's model, without React: its fields as typed, the request body they make, the
 * check the API will apply, and the words shown after a save or a test.
 */
export interface ConnectionDraft {
  name: string;
  kind: ConnectionFormKind;
  host: string;
  port: string;
  user: string;
  password: string;
  clearPassword: boolean;
  database: string;
  file: string;
  sslmode: string;
}

const EMPTY: ConnectionDraft = {
  name: '',
  kind: 'postgres',
  host: '',
  port: '',
  user: '',
  password: '',
  clearPassword: false,
  database: '',
  file: '',
  sslmode: '',
};

/** A connection's last test as shown: its result with when it ran, or a test under way. */
export type TestState = (ConnectionTestResult & { pending?: false; testedAt?: string }) | { pending: true };

/** The form's fields for a saved connection (the password never comes back), or empty for a new one. */
export function connectionDraftOf(connection: ConnectionView | null): ConnectionDraft {
  if (!connection) return EMPTY;
  return {
    ...EMPTY,
    name: connection.name,
    kind: connection.kind,
    host: connection.host,
    port: connection.port === null ? '' : String(connection.port),
    user: connection.user,
    database: connection.database,
    file: connection.file ?? '',
    sslmode: connection.sslmode ?? '',
  };
}

/** The request body: blank optional fields left out, so that an edit keeps what it does not touch. */
export function connectionBodyOf(values: ConnectionDraft, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { name: values.name, kind: values.kind };
  const server = kindFacts(values.kind).server;
  if (!server) {
    body.file = values.file;
    return body;
  }
  body.host = values.host;
  body.database = values.database;
  if (values.port.trim() !== '') body.port = values.port.trim();
  if (values.user.trim() !== '') body.user = values.user;
  if (values.password !== '') body.password = values.password;
  if (editing && values.clearPassword) body.clearPassword = true;
  if (server.sslmode && values.sslmode) body.sslmode = values.sslmode;
  return body;
}

/** The body to send, or each invalid field's sentence, by the same schema as the API's. */
export function checkConnectionDraft(
  values: ConnectionDraft,
  editing: boolean,
): { ok: true; body: Record<string, unknown> } | { ok: false; errors: Record<string, string> } {
  const body = connectionBodyOf(values, editing);
  const schema = editing ? UpdateConnectionInput : CreateConnectionInput;
  const result = schema.safeParse(body, { error: peopleError });
  return result.success ? { ok: true, body } : { ok: false, errors: fieldErrors(result.error.issues) };
}

/** The list with `connection` added or replaced, in name order. */
export function withConnection(
  list: readonly ConnectionView[],
  connection: ConnectionView,
): ConnectionView[] {
  return [...list.filter((c) => c.id !== connection.id), connection].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
}

/** What a save says: a connection saved although its test failed is not a success to celebrate in green. */
export function savedMessage(
  name: string,
  created: boolean,
  failedTest: string | null,
): { tone: 'success' | 'error'; text: string } {
  const verb = created ? 'Added' : 'Saved';
  return failedTest === null
    ? { tone: 'success', text: `${verb} connection “${name}”.` }
    : { tone: 'error', text: `${verb} connection “${name}”, but it does not work yet: ${failedTest}` };
}

/** The tests kept by the server, by connection id: the last result survives a reload. */
export function lastTests(connections: readonly ConnectionView[]): Record<string, TestState> {
  return Object.fromEntries(connections.flatMap((c) => (c.lastTest ? [[c.id, c.lastTest]] : [])));
}
