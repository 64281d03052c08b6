'use client';

import { useState } from 'react';
import { api } from '../../../../../lib/api-client.ts';
import { alertDeliveryProblems, type SmtpStatus } from '../../../../../lib/client-safe.ts';
import { buttonClass } from '../../../../_components/ui.tsx';

interface TestAlertResult {
  readonly results: readonly { channel: 'email' | 'slack'; ok: boolean; error?: string }[];
}

const CHANNEL_LABELS = { email: 'E-mail', slack: 'Slack' } as const;

/**
 * Under the alert fields: what would stop the alerts from arriving (no SMTP settings on the server, a
 * plain http:// webhook), and a button that sends a test alert to the addresses as typed.
 */
export function AlertDelivery(props: {
  projectId: string;
  smtp: SmtpStatus;
  alerts: { emails: string[]; slackWebhookUrl?: string };
}) {
  const problems = alertDeliveryProblems(props.alerts, props.smtp);
  const [state, setState] = useState<
    | { state: 'idle' }
    | { state: 'sending' }
    | { state: 'done'; result: TestAlertResult }
    | { state: 'failed'; message: string }
  >({ state: 'idle' });
  const nowhere = props.alerts.emails.length === 0 && !props.alerts.slackWebhookUrl;
  const send = async () => {
    setState({ state: 'sending' });
    try {
      const result = await api<TestAlertResult>(`/api/projects/${props.projectId}/test-alert`, {
        method: 'POST',
        body: props.alerts,
      });
      setState({ state: 'done', result });
    } catch (error) {
      setState({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <div className="space-y-2 md:col-span-2" data-alert-delivery>
      {problems.map((p) => (
        <p
          key={p.channel}
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950"
        >
          {p.message} {p.fix}
        </p>
      ))}
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={buttonClass('secondary', 'sm')}
          disabled={nowhere || state.state === 'sending'}
          title={nowhere ? 'Add an e-mail address or a Slack webhook first' : undefined}
          onClick={send}
        >
          {state.state === 'sending' ? 'Sending…' : 'Send a test alert'}
        </button>
        <div role="status" className="text-sm">
          {state.state === 'done' ? (
            state.result.results.map((r) => (
              <span
                key={r.channel}
                className={`mr-3 font-medium ${r.ok ? 'text-emerald-800' : 'text-red-700'}`}
              >
                {CHANNEL_LABELS[r.channel]}: {r.ok ? '✓ sent' : `✗ ${r.error ?? 'not sent'}`}
              </span>
            ))
          ) : state.state === 'failed' ? (
            <span className="font-medium text-red-700">{state.message}</span>
          ) : null}
        </div>
      </div>
    </div>
  );
}
