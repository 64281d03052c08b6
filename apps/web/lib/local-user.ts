import { userInfo } from 'node:os';

/**
 * The person using this DataBridge. Until accounts arrive (the security issue) it is the local user
 * the server runs as, or DATABRIDGE_USER when set.
 */
export function localUserName(): string {
  const fromEnv = process.env.DATABRIDGE_USER?.trim();
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'local user';
  }
}
