import { PreviewStep } from '../_wizard/preview-step.tsx';

export default function PreviewPage() {
  return <PreviewStep />;
}
