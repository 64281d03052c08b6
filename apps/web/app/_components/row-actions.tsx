import { useState } from 'react';
import { buttonClass } from './ui.tsx';

/**
 * A small button in a row of a list or table: the verb shows, and screen readers hear what it acts
 * on after it ("Delete" reads "Delete shop-db"). Variant `secondary` by default.
 */
export function RowAction(props: {
  verb: string;
  target: string;
  onClick: () => void;
  variant?: 'secondary' | 'danger';
  disabled?: boolean;
}) {
  return (
    <button
      type="button"
      className={buttonClass(props.variant ?? 'secondary', 'sm')}
      onClick={props.onClick}
      disabled={props.disabled}
    >
      {props.verb}
      <span className="sr-only"> {props.target}</span>
    </button>
  );
}

/**
 * Deleting in two steps: Delete asks, then Confirm delete deletes and Keep steps back. The caller
 * holds which row is `confirming`, so that only one row asks at a time.
 */
export function ConfirmDelete(props: {
  name: string;
  confirming: boolean;
  onAsk: () => void;
  onConfirm: () => void;
  onKeep: () => void;
}) {
  if (!props.confirming) {
    return <RowAction verb="Delete" target={props.name} variant="danger" onClick={props.onAsk} />;
  }
  return (
    <>
      <RowAction verb="Confirm delete" target={props.name} variant="danger" onClick={props.onConfirm} />
      <button type="button" className={buttonClass('ghost', 'sm')} onClick={props.onKeep}>
        Keep
      </button>
    </>
  );
}

/**
 * Which row of a list asks to confirm its delete: one at a time, none once `remove` starts. Gives
 * the props of a row's ConfirmDelete.
 */
export function useConfirmDelete<Row extends { readonly id: string; readonly name: string }>(
  remove: (row: Row) => Promise<void>,
) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (row: Row) => ({
    name: row.name,
    confirming: confirming === row.id,
    onAsk: () => setConfirming(row.id),
    onConfirm: () => {
      setConfirming(null);
      void remove(row);
    },
    onKeep: () => setConfirming(null),
  });
}
