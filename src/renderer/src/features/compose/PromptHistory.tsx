import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Field, OperationSpec, TextField } from '@shared/catalog';

/** The operation's main prompt field, if it has one. */
export function promptField(spec: OperationSpec): TextField | undefined {
  return spec.fields.find((f: Field): f is TextField => f.type === 'text' && f.role === 'prompt');
}

/**
 * The operation's recent prompts: a button opens a small searchable list; one click puts a prompt back
 * into the form (the rest of the draft stays as it is).
 */
export function PromptHistory({ prompts, onReuse }: { prompts: readonly string[]; onReuse: (prompt: string) => void }): React.JSX.Element | null {
  const { t } = useTranslation('compose');
  const id = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) search.current?.focus();
  }, [open]);

  if (prompts.length === 0) return null;
  const needle = query.trim().toLocaleLowerCase();
  const shown = needle ? prompts.filter((p) => p.toLocaleLowerCase().includes(needle)) : prompts;

  return (
    <div
      className="prompt-history"
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !open) return;
        e.stopPropagation();
        setOpen(false);
      }}
    >
      <button type="button" className="secondary" aria-expanded={open} aria-controls={`${id}-list`} onClick={() => setOpen((o) => !o)}>
        {t('history.button', { count: prompts.length })}
      </button>
      {open && (
        <div className="prompt-history-popover" id={`${id}-list`} role="group" aria-label={t('history.title')}>
          <input ref={search} type="search" aria-label={t('history.search')} placeholder={t('history.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
          {shown.length === 0 ? (
            <p className="muted">{t('history.none')}</p>
          ) : (
            <ul>
              {shown.map((prompt) => (
                <li key={prompt}>
                  <button
                    type="button"
                    className="link"
                    title={prompt}
                    onClick={() => {
                      onReuse(prompt);
                      setOpen(false);
                      setQuery('');
                    }}
                  >
                    {prompt}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
