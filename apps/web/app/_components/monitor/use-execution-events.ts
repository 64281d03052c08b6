'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { type ExecutionStatusView, isTerminal } from './execution-types.ts';

/** How the live stream is doing: opening, receiving, over (terminal state reached), or broken. */
export type StreamState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export interface ExecutionEvents {
  /** The latest status view, or null before the first event. */
  readonly view: ExecutionStatusView | null;
  readonly stream: StreamState;
  /** Why the stream broke, when it did. */
  readonly problem: string | null;
  /**
   * Takes a status view from elsewhere (a control's answer): shown at once, and the stream reopened
   * when the execution is active again after its stream ended (resume, retry).
   */
  accept(view: ExecutionStatusView): void;
}

/**
 * The status of one execution, pushed by `GET /api/executions/[id]/events` (Server-Sent Events) each
 * time it changes. The browser reconnects a dropped stream by itself; the `end` event closes it.
 */
export function useExecutionEvents(executionId: string | null): ExecutionEvents {
  const [view, setView] = useState<ExecutionStatusView | null>(null);
  const [stream, setStream] = useState<StreamState>('idle');
  const [problem, setProblem] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const streamRef = useRef<StreamState>('idle');
  streamRef.current = stream;

  // A new execution starts from nothing; a reopened stream keeps what it showed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the execution changes
  useEffect(() => {
    setView(null);
    setProblem(null);
  }, [executionId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` reopens the stream on purpose
  useEffect(() => {
    if (!executionId) {
      setStream('idle');
      return;
    }
    let closed = false;
    const source = new EventSource(`/api/executions/${encodeURIComponent(executionId)}/events`);
    setStream('connecting');
    source.addEventListener('open', () => {
      if (!closed) setStream('live');
    });
    source.addEventListener('status', (event) => {
      if (closed) return;
      setView(JSON.parse((event as MessageEvent<string>).data) as ExecutionStatusView);
      setStream('live');
      setProblem(null);
    });
    source.addEventListener('end', () => {
      closed = true;
      source.close();
      setStream('ended');
    });
    source.addEventListener('error', (event) => {
      if (closed) return;
      const data = (event as MessageEvent<string>).data;
      if (typeof data === 'string') {
        // An `error` event the server sent: reading the execution failed there; try again shortly.
        setProblem((JSON.parse(data) as { message?: string }).message ?? 'the live stream failed');
        return;
      }
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (an unknown execution answers 404): say why.
        closed = true;
        setStream('failed');
        api<ExecutionStatusView>(`/api/executions/${encodeURIComponent(executionId)}/status`)
          .then((current) => {
            setView(current);
            if (isTerminal(current.status)) setStream('ended');
          })
          .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
        return;
      }
      setStream('reconnecting');
    });
    return () => {
      closed = true;
      source.close();
    };
  }, [executionId, generation]);

  const accept = useCallback((next: ExecutionStatusView) => {
    setView(next);
    if (!isTerminal(next.status) && (streamRef.current === 'ended' || streamRef.current === 'failed')) {
      setGeneration((g) => g + 1);
    }
  }, []);

  return { view, stream, problem, accept };
}
