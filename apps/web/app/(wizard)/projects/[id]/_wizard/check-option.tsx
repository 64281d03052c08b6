/**
 * A checkbox or radio button with its label and, below, an optional hint that describes it: the
 * wizard's options all look alike. The hint's id is the input's id plus `-hint`.
 */
export function CheckOption(props: {
  id: string;
  label: string;
  hint?: string | undefined;
  checked: boolean;
  onChange: (checked: boolean) => void;
  type?: 'checkbox' | 'radio';
  name?: string;
  className?: string;
}) {
  const hintId = `${props.id}-hint`;
  return (
    <div className={props.className ?? 'flex items-start gap-2'}>
      <input
        id={props.id}
        type={props.type ?? 'checkbox'}
        name={props.name}
        className="mt-0.5 h-4 w-4 accent-cyan-600"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
        aria-describedby={props.hint ? hintId : undefined}
      />
      <div>
        <label htmlFor={props.id} className="text-sm font-medium">
          {props.label}
        </label>
        {props.hint ? (
          <p id={hintId} className="text-xs text-slate-600">
            {props.hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}
