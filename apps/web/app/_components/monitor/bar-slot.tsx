'use client';

import { type ReactNode, useEffect, useState } from 'react';
import { createPortal } from 'react-dom';

const SLOT_ID = 'execution-bar-slot';

/**
 * The place in the pinned action bar where step 6's execution controls go: action buttons never
 * scroll away with the content.
 */
export function ExecutionBarSlot() {
  return <div id={SLOT_ID} className="flex flex-wrap items-center gap-2 empty:hidden" />;
}

/** Shows `children` in the action bar's slot when the page has one, else where it stands. */
export function InActionBar({ children }: { children: ReactNode }) {
  const [slot, setSlot] = useState<HTMLElement | null>(null);
  useEffect(() => setSlot(document.getElementById(SLOT_ID)), []);
  return slot ? createPortal(children, slot) : children;
}
