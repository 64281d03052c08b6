import { PipelineForm } from '../_wizard/pipeline-form.tsx';

export default function PipelineStep() {
  return <PipelineForm />;
}
