export {
  type Alert,
  type AlertKind,
  type AlertMessage,
  formatAlert,
  formatDuration,
  runLink,
  type SendOptions,
} from './alert-message.ts';
export {
  type AlertChannel,
  type AlertChannels,
  type AlertLogEntry,
  type ChannelResult,
  type DeliverAlertOptions,
  deliverAlert,
} from './deliver-alert.ts';
export {
  type AlertDeliveryProblem,
  type AlertTargets,
  alertDeliveryProblems,
  type SmtpStatus,
} from './delivery-problems.ts';
export { sendEmailAlert } from './email-alert.ts';
export { sendSlackAlert } from './slack-alert.ts';
export { type SmtpSettings, smtpSettingsFromEnv, smtpStatus } from './smtp-settings.ts';
export { ALLOW_PRIVATE_WEBHOOKS_ENV, checkWebhookAddress, isInternalAddress } from './webhook-address.ts';
