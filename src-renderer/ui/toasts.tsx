// Short confirmations and failures of user actions ("Camera saved", "Export failed: …").
import { create } from 'zustand';
import { useTranslation } from 'react-i18next';

export interface Toast { id: number; kind: 'ok' | 'error' | 'info'; text: string }
interface ToastState { toasts: Toast[]; push(kind: Toast['kind'], text: string): void; dismiss(id: number): void }

let next = 1;
export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(kind, text) {
    const id = next++;
    set({ toasts: [...get().toasts.slice(-3), { id, kind, text }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 8000 : 4000);
  },
  dismiss(id) { set({ toasts: get().toasts.filter((t) => t.id !== id) }); },
}));

export const toast = {
  ok: (text: string) => useToasts.getState().push('ok', text),
  error: (text: string) => useToasts.getState().push('error', text),
  info: (text: string) => useToasts.getState().push('info', text),
};

export function Toasts() {
  const { toasts, dismiss } = useToasts();
  const { t } = useTranslation();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((x) => (
        <div key={x.id} className={`toast toast-${x.kind}`} role={x.kind === 'error' ? 'alert' : 'status'}>
          <span>{x.text}</span>
          <button type="button" className="btn-icon" aria-label={t('common.dismiss')} onClick={() => dismiss(x.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
