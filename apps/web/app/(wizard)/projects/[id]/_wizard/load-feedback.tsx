'use client';

import { useEffect, useRef } from 'react';
import { Notice } from '../../../../_components/ui.tsx';

/** Why a list could not load, with a button to load it again. */
export function LoadFailure(props: { message: string; onRetry: () => void }) {
  return (
    <div className="p-4">
      <Notice tone="error">
        {props.message}{' '}
        <button type="button" className="font-semibold underline" onClick={props.onRetry}>
          Try again
        </button>
      </Notice>
    </div>
  );
}

/** What an action did, right where it was done; scrolled into view if the list had moved it away. */
export function Feedback({ text }: { text: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (text) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [text]);
  return (
    <p
      ref={ref}
      role="status"
      data-feedback
      className="rounded-md border border-cyan-200 bg-cyan-50 px-3 py-2 text-sm text-cyan-950"
    >
      {text}
    </p>
  );
}
