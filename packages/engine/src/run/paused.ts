/** The abort reason that pauses a run instead of cancelling it. */
export const PAUSED = 'paused';

/**
 * The abort reason that ends the statements in flight at once (a cancel, a failure elsewhere). Any
 * other abort (a pause, a shutdown, Ctrl-C) lets them reach their batch boundary first, within the
 * session's grace (RunSession's stopGraceMs).
 */
export const STOP_NOW = 'stop now';
