import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { getOperation, OPERATION_IDS, VENDORS, type MediaKind, type OperationId } from '@shared/catalog';
import { useNavigation } from '../../lib/navigation';
import { useLocale } from '../../i18n';
import { OperationForm } from './OperationForm';
import { emptyDraft } from './model';
import { PromptHistory, promptField } from './PromptHistory';
import type { Picked } from './model';
import { ResultPicker } from './ResultPicker';
import { useCompose } from './store';
import { Presets } from './Presets';
import { SetPanel, useSetForForm } from './SetPanel';
import { submitComposed } from './submit';

interface Picking {
  kind: MediaKind;
  resolve: (picked: Picked | undefined) => void;
}

/** Compose: one tab per operation, each with the form its spec generates. */
export function ComposeView(): React.JSX.Element {
  const { t } = useTranslation('compose');
  const locale = useLocale();
  const { operation, drafts, revision, choose, save, load } = useCompose();
  const history = useCompose((s) => s.history[operation]) ?? [];
  const go = useNavigation((s) => s.go);
  const [picking, setPicking] = useState<Picking>();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const panel = useRef<HTMLDivElement>(null);
  const spec = getOperation(operation);
  const draft = drafts[operation] ?? emptyDraft(spec);
  const setForm = useSetForForm(spec, draft);

  // After a submit, and when a result's remix or chain action fills the form, the keyboard is back
  // in the form's first field (the prompt, where there is one), ready for the next take.
  const focusForm = (): void => panel.current?.querySelector<HTMLElement>('.operation-form textarea, .operation-form input:not([type="file"]), .operation-form button')?.focus();
  const shownRevision = useRef(revision);
  useEffect(() => {
    if (shownRevision.current === revision) return;
    shownRevision.current = revision;
    focusForm();
  }, [revision]);

  const pickFromLibrary = (kind: MediaKind): Promise<Picked | undefined> =>
    new Promise((resolve) => setPicking({ kind, resolve }));

  // Arrow keys move between tabs, as in any tab list; Tab leaves the list.
  const onTabKey = (e: KeyboardEvent, index: number): void => {
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? OPERATION_IDS.length - 1 : step ? (index + step + OPERATION_IDS.length) % OPERATION_IDS.length : -1;
    const next = OPERATION_IDS[to];
    if (!next) return;
    e.preventDefault();
    choose(next);
    tabs.current[to]?.focus();
  };

  const tabId = (id: OperationId): string => `op-tab-${id.replace('.', '-')}`;

  return (
    <section className="compose-view" aria-labelledby="compose-title">
      <header className="view-header">
        <h1 id="compose-title">{t('title')}</h1>
      </header>
      {/* One row at every width: each vendor's operations under its name, short labels, the full title as the tab's name. */}
      <div role="tablist" aria-label={t('operations')} className="op-tabs">
        {OPERATION_IDS.map((id, index) => {
          const op = getOperation(id);
          const selected = id === operation;
          const firstOfVendor = index === 0 || getOperation(OPERATION_IDS[index - 1] ?? id).vendor !== op.vendor;
          return (
            <span key={id} className="op-tab-slot" role="presentation">
              {firstOfVendor && (
                <span className={`op-vendor vendor-${op.vendor}`} aria-hidden="true">
                  {VENDORS[op.vendor].name[locale]}
                </span>
              )}
              <button
                ref={(el) => {
                  tabs.current[index] = el;
                }}
                id={tabId(id)}
                type="button"
                role="tab"
                aria-selected={selected}
                aria-controls="op-panel"
                aria-label={op.title[locale]}
                title={op.title[locale]}
                tabIndex={selected ? 0 : -1}
                className={`op-tab vendor-${op.vendor}`}
                onClick={() => choose(id)}
                onKeyDown={(e) => onTabKey(e, index)}
              >
                {op.tabTitle[locale]}
              </button>
            </span>
          );
        })}
      </div>
      <div ref={panel} role="tabpanel" id="op-panel" aria-labelledby={tabId(operation)} className="op-panel">
        <p className="muted description">{spec.description[locale]}</p>
        <Presets spec={spec} draft={draft} onApply={(values) => load(operation, { ...draft, values })} />
        <PromptHistory
          prompts={history}
          onReuse={(prompt) => {
            const field = promptField(spec);
            if (!field) return;
            const draft = drafts[operation] ?? emptyDraft(spec);
            load(operation, { ...draft, values: { ...draft.values, [field.key]: prompt } });
          }}
        />
        <OperationForm
          key={`${operation}:${revision}`}
          spec={spec}
          initial={drafts[operation]}
          onChange={(draft) => save(operation, draft)}
          onSubmit={async (submission, onProgress) => {
            const sent = await submitComposed(operation, submission, onProgress);
            focusForm();
            return sent;
          }}
          supplied={setForm.supplied}
          blocked={setForm.blocked}
          submitLabel={setForm.submitLabel}
          pickFromLibrary={pickFromLibrary}
          onOpenSettings={() => go('settings')}
        />
        <SetPanel spec={spec} draft={draft} />
      </div>
      {picking && (
        <ResultPicker
          kind={picking.kind}
          onDone={(picked) => {
            picking.resolve(picked);
            setPicking(undefined);
          }}
        />
      )}
    </section>
  );
}
