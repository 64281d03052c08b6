import type { ReactNode } from 'react';
import { describedBy, Field, inputClass } from './ui.tsx';

/** What a labelled form control takes besides its value: its id, label, hint and error. */
interface FieldProps {
  readonly id: string;
  readonly label: string;
  readonly hint?: ReactNode;
  readonly error?: string | undefined;
  readonly className?: string;
}

/** A labelled `<select>` of `options`, its hint (or error) read out with it. */
export function SelectField<V extends string>(
  props: FieldProps & {
    readonly value: V;
    readonly options: readonly { readonly value: V; readonly label: string }[];
    readonly onChange: (value: V) => void;
  },
) {
  const { id, error } = props;
  return (
    <Field id={id} label={props.label} hint={props.hint} error={error} {...classOf(props)}>
      <select
        id={id}
        className={inputClass(Boolean(error))}
        value={props.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, props.hint !== undefined)}
        onChange={(e) => props.onChange(e.target.value as V)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A labelled whole-number input between `min` and `max`; the value stays the text typed, for the draft. */
export function NumberField(
  props: FieldProps & {
    readonly value: string;
    readonly min: number;
    readonly max: number;
    readonly step?: number;
    readonly onChange: (value: string) => void;
  },
) {
  const { id, error } = props;
  return (
    <Field id={id} label={props.label} hint={props.hint} error={error} {...classOf(props)}>
      <input
        id={id}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step}
        className={inputClass(Boolean(error))}
        value={props.value}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy(id, error, props.hint !== undefined)}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Field>
  );
}

function classOf(props: FieldProps): { className?: string } {
  return props.className === undefined ? {} : { className: props.className };
}
