import { type ErrorCode, isDataBridgeError } from '../errors.ts';
import { CONNECTORS } from './registry.ts';

/**
 * What a driver's own error says should happen next, by its code, as the connector whose driver threw
 * it classifies it (each recognises only its own driver's errors; socket codes any of them);
 * undefined when it says nothing.
 */
function driverClass(error: unknown): ErrorCode | undefined {
  if (!(error instanceof Error) || isDataBridgeError(error)) return undefined;
  for (const connector of CONNECTORS) {
    const found = connector.classifyError(error);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The class of a failure, by code along its `cause` chain: a lost connection, a deadlock or a
 * timeout anywhere in the chain makes it `transient` whatever the stage that wrapped it called it
 * (a connection lost while a foreign key was being checked is not a broken constraint); otherwise
 * the outermost DataBridgeError's code, or the driver's. A cancel stays a cancel: a cancelled
 * statement (SQLSTATE 57014) is what a user's cancel produces too.
 */
export function classifyFailure(error: unknown): ErrorCode {
  let outer: ErrorCode | undefined;
  let driver: ErrorCode | undefined;
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isDataBridgeError(e)) {
      if (e.code === 'cancelled') return 'cancelled';
      if (e.code === 'transient') return 'transient';
      if (outer === undefined && e.code !== 'internal') outer = e.code;
      continue;
    }
    const found = driverClass(e);
    if (found === 'transient' || found === 'connection_failed') return 'transient';
    driver ??= found;
  }
  return outer ?? driver ?? 'internal';
}

/**
 * True when any error along the `cause` chain is classified `code`: a DataBridgeError by its own
 * code, a driver's error by its connector. For a verdict that a wrapper must not hide, such as a
 * repeated CREATE finding its object (`already_exists`) under a stage's own error.
 */
export function failedWith(error: unknown, code: ErrorCode): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isDataBridgeError(e) ? e.code === code : driverClass(e) === code) return true;
  }
  return false;
}

/** True when a retry can cure the failure: a lost connection, a deadlock, a timeout, a server restarting. */
export function isTransientFailure(error: unknown): boolean {
  const code = classifyFailure(error);
  return code === 'transient' || code === 'connection_failed';
}
