import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useToasts, type Toast } from '../lib/toasts';

const TOAST_MS = 5_000;

function ToastItem({ toast }: { toast: Toast }): React.JSX.Element {
  const { t } = useTranslation('app');
  const dismiss = useToasts((s) => s.dismiss);
  useEffect(() => {
    const timer = setTimeout(() => dismiss(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast.id, dismiss]);
  return (
    <div className={`toast toast-${toast.tone}`}>
      <span>{toast.text}</span>
      {toast.action && (
        <button
          type="button"
          className="link toast-action"
          onClick={() => {
            toast.action?.run();
            dismiss(toast.id);
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button type="button" className="link" aria-label={t('toast.dismiss')} onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function Toasts(): React.JSX.Element {
  const toasts = useToasts((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}
