import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { ApiError } from '../../lib/api-client.ts';
import { buttonClass, Notice } from './ui.tsx';

/** A message above a page's content or a form's fields. */
export interface BannerMessage {
  readonly tone: 'error' | 'success';
  readonly text: string;
}

/** The message in a Notice with room below it; nothing when there is no message. */
export function Banner({ message }: { message: BannerMessage | null }) {
  if (!message) return null;
  return (
    <div className="mb-4">
      <Notice tone={message.tone}>{message.text}</Notice>
    </div>
  );
}

/** Runs `work`; the banner then says `success`, or why the work failed. */
export async function reportInBanner(
  setBanner: (message: BannerMessage) => void,
  success: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
    setBanner({ tone: 'success', text: success });
  } catch (error) {
    setBanner({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * What a form that sends to the API shows: errors by field, one failure for the whole form, and
 * `busy` while it waits.
 */
export function useApiForm() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /**
   * Runs `work` (the request, then whatever follows success) with the form busy. A failure shows
   * beside its field when the API names one of `fields`, above the form otherwise, and frees the form.
   */
  const send = async (fields: readonly string[], work: () => Promise<void>) => {
    setErrors({});
    setBusy(true);
    try {
      await work();
    } catch (error) {
      if (error instanceof ApiError && error.field && fields.includes(error.field)) {
        setErrors({ [error.field]: error.detail });
      } else setFailure(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };

  return { errors, setErrors, failure, setFailure, busy, send };
}

/** A form in a card, named by its heading; the failure of the whole form shows under the heading. */
export function FormCard(props: {
  title: string;
  intro?: ReactNode;
  failure: string | null;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  const titleId = `${useId()}-title`;
  return (
    <form
      onSubmit={props.onSubmit}
      noValidate
      aria-labelledby={titleId}
      className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
    >
      <h2 id={titleId} className={props.intro ? 'text-lg font-semibold' : 'mb-4 text-lg font-semibold'}>
        {props.title}
      </h2>
      {props.intro ? <p className="mb-4 text-sm text-slate-600">{props.intro}</p> : null}
      <Banner message={props.failure ? { tone: 'error', text: props.failure } : null} />
      {props.children}
    </form>
  );
}

/** A form's submit button, which says `busyLabel` while the form waits, and Cancel. */
export function FormButtons(props: {
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="mt-5 flex flex-wrap gap-2">
      <button type="submit" className={buttonClass('primary')} disabled={props.busy}>
        {props.busy ? props.busyLabel : props.submitLabel}
      </button>
      <button type="button" className={buttonClass('ghost')} onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
