import type { ReactNode } from 'react';

/** The sign-in, setup and forbidden pages: a centred card, no navigation. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main id="content" className="grid min-h-dvh place-items-center bg-slate-100 px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-4 flex items-center gap-2 font-bold tracking-tight">
          <span
            aria-hidden="true"
            className="grid h-8 w-8 place-items-center rounded-md bg-brand text-sm font-black text-ink"
          >
            DB
          </span>
          DataBridge
        </p>
        {children}
      </div>
    </main>
  );
}
