/** The abort reason that pauses a run instead of cancelling it. */
export const PAUSED = 'paused';
