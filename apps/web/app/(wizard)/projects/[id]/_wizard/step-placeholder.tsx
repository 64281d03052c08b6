import { Notice, PageTitle } from '../../../../_components/ui.tsx';

/** A step whose page is not built yet: says so plainly rather than showing a broken form. */
export function StepPlaceholder({ title, text }: { title: string; text: string }) {
  return (
    <div className="mx-auto max-w-4xl">
      <PageTitle title={title} />
      <Notice tone="info">{text}</Notice>
    </div>
  );
}
