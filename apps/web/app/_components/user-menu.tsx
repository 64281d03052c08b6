'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

/** The signed-in user's name and role beside the logout control. */
export function UserMenu({ userName, role }: { userName: string; role?: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  async function logOut(everywhere = false) {
    setBusy(true);
    // Everywhere: every browser this account is signed in on, copied cookies included.
    const path = everywhere ? '/api/auth/sessions' : '/api/auth/logout';
    await fetch(path, { method: everywhere ? 'DELETE' : 'POST' }).catch(() => undefined);
    router.replace('/login');
    router.refresh();
  }
  return (
    <div className="relative flex shrink-0 items-center gap-3 text-sm">
      <span className="flex items-center gap-2">
        <span
          aria-hidden="true"
          className="grid h-7 w-7 place-items-center rounded-full bg-accent text-xs font-bold uppercase text-ink"
        >
          {userName.slice(0, 1)}
        </span>
        {/* On a narrow window the initial stands for the name, which screen readers still hear. */}
        <span
          className="sr-only sm:not-sr-only sm:max-w-40 sm:truncate"
          title={role ? `${userName} (${role})` : userName}
        >
          <span className="sr-only">Signed in as </span>
          {userName}
          {role ? <span className="ml-1 hidden text-xs text-slate-300 sm:inline">{role}</span> : null}
        </span>
      </span>
      <button
        type="button"
        onClick={() => logOut(true)}
        disabled={busy}
        title="End every session of this account, on every browser"
        className="hidden rounded-md px-1.5 py-1 text-xs text-slate-300 underline-offset-2 hover:underline sm:inline-block"
      >
        Sign out everywhere
      </button>
      <button
        type="button"
        onClick={() => logOut()}
        disabled={busy}
        className="rounded-md border border-slate-500 px-2.5 py-1 font-semibold text-white hover:bg-slate-800"
      >
        Log out
      </button>
    </div>
  );
}
