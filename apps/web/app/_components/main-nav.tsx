'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/projects', label: 'Projects', hint: 'Migrations and their runs' },
  { href: '/connections', label: 'Connections', hint: 'Databases DataBridge can reach' },
  { href: '/dependencies', label: 'Dependencies', hint: 'Which projects wait for which' },
] as const;

const ADMIN_LINK = { href: '/admin', label: 'Administration', hint: 'Users, API keys, audit log' } as const;

export function MainNav({ admin = false }: { admin?: boolean }) {
  const pathname = usePathname();
  const links = admin ? [...LINKS, ADMIN_LINK] : LINKS;
  return (
    <ul className="flex gap-1 p-3 md:flex-col">
      {links.map((link) => {
        const current = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={current ? 'page' : undefined}
              className={`block rounded-md border-l-4 px-3 py-2 text-sm ${
                current
                  ? 'border-brand bg-brand-soft font-semibold text-ink'
                  : 'border-transparent text-slate-700 hover:bg-slate-100'
              }`}
            >
              {link.label}
              <span className="hidden text-xs font-normal text-slate-500 md:block">{link.hint}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
