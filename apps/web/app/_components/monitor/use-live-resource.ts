'use client';

import { useEffect, useRef, useState } from 'react';
import { api } from '../../../lib/api-client.ts';

export interface LiveResource<T> {
  readonly value: T | null;
  readonly error: string | null;
}

/**
 * Reads `path` from the API again each time `trigger` changes, at most once every `minGapMs` (the
 * last change is never dropped, only delayed). A new path starts empty. Answers to an older request
 * than the last one shown are ignored.
 */
export function useLiveResource<T>(path: string | null, trigger: unknown, minGapMs = 1000): LiveResource<T> {
  const [state, setState] = useState<{ path: string | null; value: T | null; error: string | null }>({
    path,
    value: null,
    error: null,
  });
  const lastRequest = useRef(0);
  const sequence = useRef(0);
  const shown = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `trigger` asks for a fresh read on purpose
  useEffect(() => {
    if (!path) return;
    const wait = Math.max(0, lastRequest.current + minGapMs - Date.now());
    const timer = setTimeout(async () => {
      lastRequest.current = Date.now();
      sequence.current += 1;
      const mine = sequence.current;
      try {
        const value = await api<T>(path);
        if (mine < shown.current) return;
        shown.current = mine;
        setState({ path, value, error: null });
      } catch (error) {
        if (mine < shown.current) return;
        shown.current = mine;
        const message = error instanceof Error ? error.message : String(error);
        setState((s) => (s.path === path ? { ...s, error: message } : { path, value: null, error: message }));
      }
    }, wait);
    return () => clearTimeout(timer);
  }, [path, trigger, minGapMs]);

  return state.path === path ? { value: state.value, error: state.error } : { value: null, error: null };
}
