import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { estimateSet, formatSetIssue, SET_KINDS, vendorName, type SetEstimate, type SetKind } from '@shared/batch';
import { defaultMembership, limitsFor, type Membership, type OperationSpec } from '@shared/catalog';
import { call, subscribe } from '../../lib/ipc';
import { useLocale } from '../../i18n';
import type { Draft } from './model';
import './sets.css';
import { choiceFields, emptySetDraft, previewSet, setSpecOf, suppliedFields, useSets, type SetDraft } from './sets';

/** The membership in the settings, for the per-minute limits the estimate uses; the defaults until it loads. */
function useMembership(): Membership {
  const [membership, setMembership] = useState<Membership>(defaultMembership);
  useEffect(() => {
    let live = true;
    const off = subscribe('settings.changed', (values) => setMembership(values.membership));
    call('settings.get', {}).then(
      (state) => {
        if (live) setMembership(state.values.membership);
      },
      () => {
        // Main unreachable: the defaults are the cautious numbers, and the form shows the connection error.
      },
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  return membership;
}

function Estimate({ estimate }: { estimate: SetEstimate }): React.JSX.Element {
  const { t } = useTranslation('compose', { keyPrefix: 'sets' });
  const locale = useLocale();
  const vendor = vendorName(estimate.vendor, locale);
  const minutes = Math.round(estimate.lastStartMs / 60_000);
  const wait = minutes >= 1 ? t('estimate.minutes', { count: minutes }) : t('estimate.seconds', { count: Math.round(estimate.lastStartMs / 1000) });
  const rate = { vendor, limit: estimate.perMinute, category: t(`estimate.categories.${estimate.category}`) };
  const sentences = [
    t('estimate.starts', { tasks: t('estimate.tasks', { count: estimate.tasks }), jobs: t('estimate.jobs', { count: estimate.jobs }) }),
    estimate.lastStartMs > 0 ? t('estimate.later', { ...rate, wait }) : t('estimate.now', rate),
    t('estimate.concurrency', { count: estimate.concurrency }),
  ];
  return (
    <p className="set-estimate" role="status">
      {/* Chinese sentences end in a full-width stop and need no space between them. */}
      {sentences.join(locale === 'zh-CN' ? '' : ' ')}
    </p>
  );
}

export interface SetPanelProps {
  spec: OperationSpec;
  /** The form as it is now: the set's base. */
  draft: Draft;
}

/**
 * "Make a set": N variations, several values of a choice, a prompt list or a CSV, previewed exactly as
 * main will expand it: how many vendor tasks it starts, how long the per-minute limit spreads them, and
 * every member's problem on its row.
 */
export function SetPanel({ spec, draft }: SetPanelProps): React.JSX.Element {
  const { t } = useTranslation('compose', { keyPrefix: 'sets' });
  const locale = useLocale();
  const id = useId();
  const setDraft = useSets((s) => s.drafts[spec.id]) ?? emptySetDraft(spec);
  const update = useSets((s) => s.update);
  const membership = useMembership();
  const file = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string>();
  const change = (patch: Partial<SetDraft>): void => update(spec.id, patch);

  const set = setSpecOf(setDraft);
  const result = set ? previewSet(spec, draft, set) : undefined;
  const estimate = result?.ok ? estimateSet(spec.id, result.members.map((m) => m.params), limitsFor(membership)[spec.vendor]) : undefined;
  const choices = choiceFields(spec);
  const field = choices.find((f) => f.key === setDraft.field) ?? choices[0];
  const kinds = SET_KINDS.filter((kind) => (kind === 'values' ? choices.length > 0 : true));

  const loadCsv = (chosen: File): void => {
    setFileError(undefined);
    chosen.text().then(
      (text) => change({ csv: text }),
      (error: unknown) => setFileError(t('csvUnreadable', { name: chosen.name, message: error instanceof Error ? error.message : String(error) })),
    );
  };

  return (
    <section className="set-panel" aria-label={t('title')}>
      <label className="inline set-toggle">
        <input type="checkbox" checked={setDraft.enabled} onChange={(e) => change({ enabled: e.target.checked })} />
        {t('toggle')}
      </label>
      {setDraft.enabled && (
        <div className="set-body">
          <fieldset className="set-kinds">
            <legend>{t('kindLabel')}</legend>
            {kinds.map((kind: SetKind) => (
              <label key={kind} className="inline">
                <input type="radio" name={`${id}-kind`} value={kind} checked={setDraft.kind === kind} onChange={() => change({ kind })} />
                {t(`kinds.${kind}`)}
              </label>
            ))}
          </fieldset>
          {setDraft.kind === 'seeds' && (
            <div className="field">
              <label htmlFor={`${id}-count`}>{t('count')}</label>
              <input id={`${id}-count`} type="number" min={1} max={50} step={1} value={setDraft.count} onChange={(e) => change({ count: e.target.value })} />
              <p className="help">{spec.seedField ? t('seedsHint') : t('seedsVendorHint')}</p>
            </div>
          )}
          {setDraft.kind === 'values' && field && (
            <>
              {choices.length > 1 && (
                <div className="field">
                  <label htmlFor={`${id}-field`}>{t('field')}</label>
                  <select id={`${id}-field`} value={field.key} onChange={(e) => change({ field: e.target.value, values: [] })}>
                    {choices.map((f) => (
                      <option key={f.key} value={f.key}>
                        {f.label[locale]}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <fieldset className="set-values">
                <legend>{field.label[locale]}</legend>
                {field.options.map((option) => (
                  <label key={String(option.value)} className="inline">
                    <input
                      type="checkbox"
                      checked={setDraft.field === field.key && setDraft.values.includes(option.value)}
                      onChange={(e) => {
                        const current = setDraft.field === field.key ? setDraft.values : [];
                        const values = e.target.checked ? [...current, option.value] : current.filter((v) => v !== option.value);
                        // Keep the catalog's order, whatever order the boxes were ticked in.
                        change({ field: field.key, values: field.options.map((o) => o.value).filter((v) => values.includes(v)) });
                      }}
                    />
                    {option.label[locale]}
                  </label>
                ))}
              </fieldset>
            </>
          )}
          {setDraft.kind === 'prompts' && (
            <div className="field">
              <label htmlFor={`${id}-prompts`}>{t('prompts')}</label>
              <textarea id={`${id}-prompts`} rows={5} value={setDraft.prompts} onChange={(e) => change({ prompts: e.target.value })} />
            </div>
          )}
          {setDraft.kind === 'csv' && (
            <div className="field">
              <label htmlFor={`${id}-csv`}>{t('csv')}</label>
              <textarea id={`${id}-csv`} rows={5} spellCheck={false} value={setDraft.csv} onChange={(e) => change({ csv: e.target.value })} />
              <p className="help">{t('csvHint', { columns: spec.fields.map((f) => f.key).join(', ') })}</p>
              <div>
                <button type="button" className="secondary" onClick={() => file.current?.click()}>
                  {t('loadCsv')}
                </button>
                <input
                  ref={file}
                  type="file"
                  accept=".csv,text/csv,text/plain"
                  hidden
                  onChange={(e) => {
                    const chosen = e.target.files?.[0];
                    if (chosen) loadCsv(chosen);
                    e.target.value = '';
                  }}
                />
              </div>
              {fileError && (
                <p className="field-error" role="alert">
                  {fileError}
                </p>
              )}
            </div>
          )}
          {estimate && <Estimate estimate={estimate} />}
          {result && !result.ok && (
            <ul className="set-issues field-error" role="alert" aria-label={t('title')}>
              {result.issues.map((issue, i) => (
                <li key={i}>{formatSetIssue(spec, issue, locale)}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** What the form needs from the set panel: what the set supplies, whether it blocks, and the button's words. */
export function useSetForForm(spec: OperationSpec, draft: Draft): { blocked: boolean; supplied: string[]; submitLabel: string | undefined } {
  const { t } = useTranslation('compose', { keyPrefix: 'sets' });
  const set = setSpecOf(useSets((s) => s.drafts[spec.id]));
  if (!set) return { blocked: false, supplied: [], submitLabel: undefined };
  const result = previewSet(spec, draft, set);
  const size = result.ok ? result.members.length : 0;
  return { blocked: !result.ok, supplied: suppliedFields(spec, set), submitLabel: size > 0 ? t('submit', { count: size }) : undefined };
}
