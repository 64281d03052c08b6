import { readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..', 'app');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export type RouteHandler = (
  request: Request,
  segment: { params: Promise<{ id: string }> },
) => Promise<Response>;

/** One method of one route file, e.g. `POST /api/connections/[id]/test`. */
export interface RouteMethod {
  readonly name: string;
  readonly method: string;
  /** The URL path with its dynamic segments as written, e.g. `/api/connections/[id]`. */
  readonly path: string;
  readonly handler: RouteHandler;
}

/**
 * Every method every `apps/web/app/api/**\/route.ts` exports, found on disk: a suite built on this
 * covers a route added tomorrow without anyone listing it.
 */
export async function apiRoutes(): Promise<RouteMethod[]> {
  const files = (readdirSync(join(APP, 'api'), { recursive: true }) as string[])
    .filter((file) => file.endsWith(`${sep}route.ts`) || file === 'route.ts')
    .sort();
  const found: RouteMethod[] = [];
  for (const file of files) {
    const path = `/${relative(APP, dirname(join(APP, 'api', file)))
      .split(sep)
      .join('/')}`;
    const module = (await import(join(APP, 'api', file))) as Record<string, unknown>;
    for (const method of METHODS) {
      if (typeof module[method] === 'function') {
        found.push({ name: `${method} ${path}`, method, path, handler: module[method] as RouteHandler });
      }
    }
  }
  return found;
}

/** Every exported function of every `apps/web/app/actions/*.ts` (server actions), as `file.name`. */
export async function serverActions(): Promise<
  { name: string; action: (...args: unknown[]) => Promise<unknown> }[]
> {
  const dir = join(APP, 'actions');
  const found: { name: string; action: (...args: unknown[]) => Promise<unknown> }[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const module = (await import(join(dir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'function') {
        found.push({ name: `${file.replace(/\.ts$/, '')}.${name}`, action: value as () => Promise<unknown> });
      }
    }
  }
  return found;
}
