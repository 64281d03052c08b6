import { resolve } from 'node:path';

/** Where DataBridge keeps its files: `DATABRIDGE_DATA_DIR`, else `.databridge/` in the working directory. */
export function dataDir(): string {
  return resolve(process.env.DATABRIDGE_DATA_DIR ?? '.databridge');
}

export const stateFile = () => resolve(dataDir(), 'state.sqlite');
export const reportsDir = () => resolve(dataDir(), 'reports');
