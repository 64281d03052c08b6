import { ScheduleForm } from '../_wizard/schedule-form.tsx';

export default function ScheduleStep() {
  return <ScheduleForm />;
}
