import { StepPlaceholder } from '../_wizard/step-placeholder.tsx';

export default function ExecuteStep() {
  return (
    <StepPlaceholder
      title="Execute and monitor"
      text="Start the migration with the button below. The live monitor (progress, stages, logs, history) is being built with the execution API."
    />
  );
}
