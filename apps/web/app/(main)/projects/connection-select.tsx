'use client';

import { describedBy, Field, inputClass } from '../../_components/ui.tsx';
import type { ConnectionOption } from './projects-model.ts';

/** A saved connection to read from or write to; optional when an imported file's URL can pick it. */
export function ConnectionSelect(props: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  connections: ConnectionOption[];
  onChange: (value: string) => void;
  optional?: boolean;
}) {
  return (
    <Field id={props.id} label={props.label} error={props.error}>
      <select
        id={props.id}
        className={inputClass(Boolean(props.error))}
        value={props.value}
        aria-invalid={Boolean(props.error)}
        aria-describedby={describedBy(props.id, props.error)}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="">{props.optional ? 'Match the URL in the file' : 'Choose a connection'}</option>
        {props.connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({c.kind})
          </option>
        ))}
      </select>
    </Field>
  );
}
