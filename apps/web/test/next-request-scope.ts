import { AsyncLocalStorage } from 'node:async_hooks';

// What Next.js's server sets up before loading any of its modules; they check for it once, on load,
// so this must run before a server action (and next/headers with it) is first imported.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;

/**
 * Runs `work` the way Next.js runs a server action for a request with `headers`: inside the request
 * scope its `headers()` and `cookies()` read from. Outside `next start` that scope does not exist,
 * so without this a test could only call an action's service function, not the action itself with
 * its permission and cross-site checks.
 */
export async function inNextRequest<T>(headers: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const { workAsyncStorage } = await import('next/dist/server/app-render/work-async-storage.external.js');
  const { workUnitAsyncStorage } = await import(
    'next/dist/server/app-render/work-unit-async-storage.external.js'
  );
  const { RequestCookiesAdapter } = await import(
    'next/dist/server/web/spec-extension/adapters/request-cookies.js'
  );
  const { RequestCookies } = await import('next/dist/server/web/spec-extension/cookies.js');
  const h = new Headers(headers);
  const cookies = () => RequestCookiesAdapter.seal(new RequestCookies(h));
  const workStore = { route: '/actions', forceStatic: false };
  const requestStore = {
    type: 'request',
    phase: 'action',
    headers: h,
    cookies: cookies(),
    userspaceMutableCookies: cookies(),
  };
  // biome-ignore lint/suspicious/noExplicitAny: Next.js's internal stores, only the fields headers()/cookies() read
  return workAsyncStorage.run(workStore as any, () => workUnitAsyncStorage.run(requestStore as any, work));
}
