import { can, smtpStatus } from '@databridge/queue';
import { pageActor } from '../../../../../lib/request-actor.ts';
import { ScheduleForm } from '../_wizard/schedule-form.tsx';
import { BackfillSection } from './backfill-section.tsx';

export default async function ScheduleStep() {
  const actor = await pageActor();
  return (
    <>
      <ScheduleForm smtp={smtpStatus()} />
      <BackfillSection canRun={can(actor.role, 'run')} />
    </>
  );
}
