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
export { sendEmailAlert } from './email-alert.ts';
export { sendSlackAlert } from './slack-alert.ts';
export { type SmtpSettings, smtpSettingsFromEnv } from './smtp-settings.ts';
