/**
 * Transient messages in the corner: what just happened, or what went wrong. An error shows a
 * readable line; its full detail is one click away, and an expanded toast stays until dismissed.
 */
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
  detail: string | null;
  expanded: boolean;
}

type Push = (kind: Toast['kind'], text: string, detail?: string) => void;

const ToastContext = createContext<Push>(() => {});

export function useToast(): Push {
  return useContext(ToastContext);
}

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((x) => x.id !== id)), []);
  const push = useCallback<Push>(
    (kind, text, detail) => {
      const id = nextId++;
      setToasts((t) => [...t.slice(-3), { id, kind, text, detail: detail ?? null, expanded: false }]);
      setTimeout(() => setToasts((all) => all.filter((x) => x.id !== id || x.expanded)), kind === 'error' ? 9000 : 4500);
    },
    [],
  );
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`}>
            <div className="toast-row">
              <span className="toast-text">{t.text}</span>
              {t.detail && (
                <button className="btn btn-small btn-ghost" onClick={() => setToasts((all) => all.map((x) => (x.id === t.id ? { ...x, expanded: !x.expanded } : x)))}>
                  {t.expanded ? 'Less' : 'Details'}
                </button>
              )}
              <button className="btn btn-small btn-ghost" onClick={() => dismiss(t.id)} aria-label="Dismiss">
                ×
              </button>
            </div>
            {t.expanded && t.detail && <pre className="toast-detail">{t.detail}</pre>}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
