/**
 * What an execution's error code means, in the words of the person watching the run. The code
 * itself stays in the API's JSON (and in a `data-code` attribute) for programs.
 */
const ERROR_LABELS: Readonly<Record<string, string>> = {
  bad_spec: 'The project’s settings are not valid',
  bad_url: 'A connection address is not valid',
  unknown_table: 'A table does not exist',
  unknown_column: 'A column does not exist',
  connection_failed: 'A database did not answer',
  auth_failed: 'A database refused the credentials',
  bad_value: 'A value does not fit the target',
  constraint_violation: 'A row broke a rule of the target (a duplicate key, a missing reference)',
  unique_violation: 'A row repeats a key the target already holds',
  foreign_key_violation: 'A row refers to a row the target does not hold',
  not_null_violation: 'A required value is missing',
  transient: 'A passing failure (a lost connection, a deadlock, a timeout)',
  validation_failed: 'The checks after the load found differences',
  hook_failed: 'A SQL hook failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted (the server stopped)',
  internal: 'An unexpected error',
};

/** The label of an error code; an unknown code is shown as it is rather than hidden. */
export function errorLabel(code: string): string {
  return ERROR_LABELS[code] ?? code;
}
