import { ProjectId, sendTestAlert, TestAlertInput } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/**
 * Sends a test alert to `{ emails, slackWebhookUrl }` (step 4's values, saved or not) through the
 * real senders: `{ results: [{ channel, ok, error? }], problems }`, 200 even when a channel fails.
 */
export const POST = route<{ id: string }>('edit', async (call) => {
  const id = call.id(ProjectId);
  const result = await sendTestAlert(call.context, id, await call.body(TestAlertInput));
  await call.audit(
    'project.test_alert',
    { kind: 'project', id },
    { channels: result.results.map((r) => r.channel) },
  );
  return { data: result };
});
