import { z } from 'zod';

/** A number field of the spec as a person knows it: its label, its range, and where to fix it. */
export interface NumberField {
  /** As the form labels it: "Batch size". */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only (default true). */
  readonly whole?: boolean;
  /** After the range: "rows", "minutes". */
  readonly unit?: string;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * A number schema whose every error is one sentence for people, from the field's label and range:
 * "Batch size must be a whole number from 100 to 10,000 rows (not 50)." The issue keeps zod's code
 * and path, so programs still see which field and why.
 */
export function labelledNumber(field: NumberField) {
  const kind = field.whole === false ? 'a number' : 'a whole number';
  const range = `from ${count(field.min)} to ${count(field.max)}${field.unit ? ` ${field.unit}` : ''}`;
  const error = (issue: { readonly input?: unknown }) => {
    const given =
      typeof issue.input === 'number' && Number.isFinite(issue.input)
        ? ` (not ${count(issue.input)})`
        : typeof issue.input === 'string' && issue.input.trim() !== ''
          ? ` (not “${issue.input}”)`
          : '';
    return `${field.label} must be ${kind} ${range}${given}.`;
  };
  const number = z.number({ error });
  return (field.whole === false ? number : number.int({ error }))
    .min(field.min, { error })
    .max(field.max, { error });
}
