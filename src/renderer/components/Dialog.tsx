/** A modal dialog: focus moves in once, Escape closes, a click outside closes. */
import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose(): void;
  children: ReactNode;
  wide?: boolean;
  /** False while the dialog's work is in flight: closing then would hide its outcome. */
  closable?: boolean;
}

export function Dialog({ title, onClose, children, wide, closable = true }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  // The latest close handler, without re-running the effects below on every parent render
  // (which would pull the focus back to the first field while the user types).
  const close = useRef(() => {});
  close.current = () => {
    if (closable) onClose();
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close.current();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('[autofocus], input, textarea, button');
    first?.focus();
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close.current()}>
      <div className={`dialog${wide ? ' dialog-wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} ref={ref}>
        <div className="dialog-head">
          <h2>{title}</h2>
          <button className="btn btn-icon" onClick={() => close.current()} aria-label="Close" disabled={!closable}>
            ×
          </button>
        </div>
        <div className="dialog-body">{children}</div>
      </div>
    </div>
  );
}
