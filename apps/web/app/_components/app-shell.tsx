import Link from 'next/link';
import type { ReactNode } from 'react';
import { ScrollReset } from './scroll-reset.tsx';
import { UserMenu } from './user-menu.tsx';

/**
 * The frame of every page: a fixed header, a fixed-width scrollable sidebar and a flexible scrollable
 * content area whose action bar (if any) stays pinned at the bottom. Only the sidebar and the content
 * scroll; on a narrow window the sidebar becomes a strip above the content.
 */
export function AppShell(props: {
  userName: string;
  /** The signed-in user's role, shown beside the name. */
  role?: string;
  /** Extra header content after the logo (the wizard's project name and progress). */
  header?: ReactNode;
  sidebar: ReactNode;
  sidebarLabel: string;
  /** The action bar pinned under the content (Back, Next, Save, Start). */
  footer?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex h-dvh flex-col">
      <a
        href="#content"
        className="sr-only z-50 rounded bg-white px-3 py-2 text-sm font-semibold focus:not-sr-only focus:absolute focus:left-2 focus:top-2"
      >
        Skip to content
      </a>
      <header className="on-dark flex h-14 shrink-0 items-center gap-4 bg-ink px-4 text-white">
        <Link href="/projects" className="flex items-center gap-2 rounded font-bold tracking-tight">
          <span
            aria-hidden="true"
            className="grid h-8 w-8 place-items-center rounded-md bg-brand text-sm font-black text-ink"
          >
            DB
          </span>
          <span className="hidden sm:inline">DataBridge</span>
        </Link>
        <div className="flex min-w-0 flex-1 items-center gap-3">{props.header}</div>
        <UserMenu userName={props.userName} {...(props.role ? { role: props.role } : {})} />
      </header>
      <div className="flex min-h-0 flex-1 flex-col md:flex-row">
        <nav
          aria-label={props.sidebarLabel}
          className="max-h-44 shrink-0 overflow-y-auto border-b border-slate-200 bg-white md:max-h-none md:w-64 md:border-b-0 md:border-r"
        >
          {props.sidebar}
        </nav>
        <div className="flex min-h-0 min-w-0 flex-1 flex-col">
          <main
            id="content"
            tabIndex={-1}
            className="relative min-h-0 flex-1 overflow-y-auto px-4 py-6 md:px-8"
          >
            <ScrollReset containerId="content" />
            {props.children}
          </main>
          {props.footer ? (
            <div className="shrink-0 border-t border-slate-200 bg-white px-4 py-3 md:px-8">
              {props.footer}
            </div>
          ) : null}
        </div>
      </div>
    </div>
  );
}
