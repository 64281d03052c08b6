import type { ReactNode } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-brand text-ink hover:bg-cyan-300 border border-brand-strong',
  secondary: 'bg-white text-ink border border-slate-300 hover:bg-slate-100',
  danger: 'bg-white text-red-700 border border-red-300 hover:bg-red-50',
  ghost: 'bg-transparent text-slate-700 border border-transparent hover:bg-slate-100',
};

/** Tailwind classes of a button (or a link that looks like one). */
export function buttonClass(variant: Variant = 'secondary', size: 'sm' | 'md' = 'md'): string {
  const sizing = size === 'sm' ? 'px-2.5 py-1 text-sm' : 'px-4 py-2 text-sm';
  return `inline-flex items-center justify-center gap-1.5 rounded-md font-semibold transition-colors disabled:cursor-not-allowed disabled:opacity-50 ${sizing} ${VARIANTS[variant]}`;
}

/** Classes of a text input, select or textarea; red when it has an error. */
export function inputClass(invalid = false): string {
  return `block w-full rounded-md border bg-white px-3 py-2 text-sm text-ink shadow-sm placeholder:text-slate-400 ${
    invalid ? 'border-red-500' : 'border-slate-300'
  }`;
}

/**
 * A labelled form field: the label names the input (`htmlFor`), the hint and the error describe it
 * (the input sets `aria-describedby={describedBy(id, …)}` and `aria-invalid`).
 */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={props.className ?? ''}>
      <label htmlFor={props.id} className="mb-1 block text-sm font-medium text-slate-800">
        {props.label}
      </label>
      {props.children}
      {props.hint && !props.error ? (
        <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-600">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} role="alert" className="mt-1 text-xs font-medium text-red-700">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** The `aria-describedby` of an input inside a Field. */
export function describedBy(id: string, error: string | undefined, hasHint = false): string | undefined {
  if (error) return `${id}-error`;
  return hasHint ? `${id}-hint` : undefined;
}

const STATUS_COLOURS: Record<string, string> = {
  completed: 'bg-accent-soft text-emerald-900 border-accent',
  running: 'bg-brand-soft text-cyan-900 border-brand',
  pending: 'bg-slate-100 text-slate-800 border-slate-300',
  paused: 'bg-amber-50 text-amber-900 border-amber-300',
  failed: 'bg-red-50 text-red-800 border-red-300',
  cancelled: 'bg-slate-100 text-slate-700 border-slate-300',
  cancelling: 'bg-slate-100 text-slate-700 border-slate-400',
  interrupted: 'bg-amber-50 text-amber-900 border-amber-300',
  queued: 'bg-slate-100 text-slate-800 border-brand',
  skipped: 'bg-slate-100 text-slate-700 border-slate-300',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-semibold ${
        STATUS_COLOURS[status] ?? 'bg-slate-100 text-slate-800 border-slate-300'
      }`}
    >
      {status}
    </span>
  );
}

/** A message box: errors are announced (`role=alert`), notes politely. */
export function Notice(props: { tone: 'error' | 'success' | 'info' | 'warning'; children: ReactNode }) {
  const tone = {
    error: 'border-red-300 bg-red-50 text-red-900',
    success: 'border-accent bg-accent-soft text-emerald-950',
    info: 'border-brand bg-brand-soft text-cyan-950',
    warning: 'border-amber-300 bg-amber-50 text-amber-950',
  }[props.tone];
  return (
    <div
      role={props.tone === 'error' ? 'alert' : 'status'}
      className={`rounded-md border px-3 py-2 text-sm ${tone}`}
    >
      {props.children}
    </div>
  );
}

export function PageTitle(props: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-ink">{props.title}</h1>
        {props.description ? <p className="mt-1 text-sm text-slate-600">{props.description}</p> : null}
      </div>
      {props.actions ? <div className="flex flex-wrap gap-2">{props.actions}</div> : null}
    </div>
  );
}
