/**
 * `text` cut to `max` characters, ending with how long it was: what a hook or a rule returned goes
 * into the run's summary and report, which a query returning megabytes must not make megabytes.
 */
export function keptText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…(${text.length.toLocaleString('en-US')} characters in all)`;
}
