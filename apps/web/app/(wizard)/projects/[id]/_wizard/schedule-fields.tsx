'use client';

import { describedBy, Field, inputClass } from '../../../../_components/ui.tsx';
import { CheckOption } from './check-option.tsx';
import type { ScheduleDraft } from './schedule-draft.ts';

/** What every section of the schedule step gets: the draft, its errors, setters and the id maker. */
export interface ScheduleSectionProps {
  readonly draft: ScheduleDraft;
  readonly errors: Readonly<Record<string, string>>;
  readonly set: <K extends keyof ScheduleDraft>(key: K, value: ScheduleDraft[K]) => void;
  readonly update: (next: ScheduleDraft) => void;
  /** A form-unique element id for `name`. */
  readonly f: (name: string) => string;
}

type NumberKey = 'sla' | 'maxRetries' | 'delayMinutes' | 'maxDelayMinutes' | 'maxActiveRuns';
type FlagKey = 'enabled' | 'onFailure' | 'onRecovery' | 'onSla' | 'exponentialBackoff' | 'catchUp';

/** A number box of the draft; `errorKey` is the schema path its sentence comes under. */
export function NumberField(
  props: ScheduleSectionProps & {
    field: NumberKey;
    label: string;
    errorKey: string;
    hint: string;
    min: number;
    max: number;
  },
) {
  const { f, field, errors, errorKey } = props;
  return (
    <Field id={f(field)} label={props.label} error={errors[errorKey]} hint={props.hint}>
      <input
        id={f(field)}
        type="number"
        min={props.min}
        max={props.max}
        className={inputClass(Boolean(errors[errorKey]))}
        value={props.draft[field]}
        aria-invalid={Boolean(errors[errorKey])}
        aria-describedby={describedBy(f(field), errors[errorKey], true)}
        onChange={(e) => props.set(field, e.target.value)}
      />
    </Field>
  );
}

/** A yes/no setting of the draft. */
export function FlagField(props: ScheduleSectionProps & { field: FlagKey; label: string; hint?: string }) {
  return (
    <CheckOption
      id={props.f(props.field)}
      label={props.label}
      hint={props.hint}
      checked={props.draft[props.field]}
      onChange={(checked) => props.set(props.field, checked)}
    />
  );
}
