'use client';

import { useState } from 'react';

/** The signed-in user's name beside the logout control; until accounts exist, the local user. */
export function UserMenu({ userName }: { userName: string }) {
  const [note, setNote] = useState(false);
  return (
    <div className="relative flex shrink-0 items-center gap-3 text-sm">
      <span className="flex items-center gap-2">
        <span
          aria-hidden="true"
          className="grid h-7 w-7 place-items-center rounded-full bg-accent text-xs font-bold uppercase text-ink"
        >
          {userName.slice(0, 1)}
        </span>
        <span className="max-w-40 truncate" title={userName}>
          <span className="sr-only">Signed in as </span>
          {userName}
        </span>
      </span>
      <button
        type="button"
        onClick={() => setNote((v) => !v)}
        aria-expanded={note}
        aria-controls="logout-note"
        className="rounded-md border border-slate-500 px-2.5 py-1 font-semibold text-white hover:bg-slate-800"
      >
        Log out
      </button>
      {note ? (
        <p
          id="logout-note"
          role="status"
          className="absolute right-0 top-10 z-20 w-64 rounded-md border border-slate-200 bg-white p-3 text-xs text-ink shadow-lg"
        >
          DataBridge runs in local mode as <strong>{userName}</strong>: there is no session to end. Accounts
          and sign-in arrive with the security release.
        </p>
      ) : null}
    </div>
  );
}
