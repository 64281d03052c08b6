import type { MigrationSpec } from '@databridge/engine';

/**
 * A spec as someone who may not edit it sees it: the Slack webhook URL (whoever holds it can post to
 * the channel) shows its scheme and host only, `https://hooks.slack.com/***`. A `${VARIABLE}`
 * reference is not a secret and stays. Editors and admins get the spec as stored, so that saving it
 * never writes a mask back.
 */
export function hideAlertSecrets<T extends { readonly spec: MigrationSpec }>(view: T): T {
  const alerts = view.spec.schedule?.alerts;
  const url = alerts?.slackWebhookUrl;
  if (!alerts || !url || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(url.trim())) return view;
  return {
    ...view,
    spec: {
      ...view.spec,
      schedule: { ...view.spec.schedule!, alerts: { ...alerts, slackWebhookUrl: maskedUrl(url) } },
    },
  };
}

function maskedUrl(url: string): string {
  try {
    return `${new URL(url).origin}/***`;
  } catch {
    return '***';
  }
}
