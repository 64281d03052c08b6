import { issueSentence } from './client-safe.ts';

/** Calls this app's API from the browser and unwraps `{ success, data }`, throwing ApiError otherwise. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** The JSON error's `field`: the path of the input at fault, when the server names one. */
    readonly fieldPath?: string,
  ) {
    super(message);
  }

  /** The field at fault: the JSON's `field`, else one the message starts with (`body: is not valid JSON`). */
  get field(): string | undefined {
    return this.fieldPath ?? this.prefix;
  }

  /** A raw key before the message (`body: `, `sourceConnectionId: `); a label ("Schedule: ") is part of the sentence. */
  private get prefix(): string | undefined {
    return /^([a-z][\w.[\]]*): /.exec(this.message)?.[1];
  }

  /** The message without a leading field path; a labelled sentence ("Name must not be empty.") as it is. */
  get detail(): string {
    const prefix = this.prefix;
    return prefix ? this.message.slice(prefix.length + 2) : this.message;
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? null : JSON.stringify(init.body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('unavailable', 'The server does not answer; check that DataBridge is running', 0);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError('internal', `The server answered ${response.status} without JSON`, response.status);
  }
  const reply = body as {
    success?: boolean;
    data?: T;
    error?: { code: string; message: string; field?: string };
  };
  if (reply.success === true) return reply.data as T;
  throw new ApiError(
    reply.error?.code ?? 'internal',
    reply.error?.message ?? `The server answered ${response.status}`,
    response.status,
    reply.error?.field,
  );
}

/** Field errors from a zod result, keyed by the first path segment(s) joined with dots. */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issueSentence(issue);
  }
  return errors;
}
