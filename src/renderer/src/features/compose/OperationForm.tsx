import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo, ErrorIssue } from '@shared/errors';
import { issueField, issueKeys, issueText, toErrorIssue, type Field, type MediaKind, type OperationSpec, type Params } from '@shared/catalog';
import { useLocale } from '../../i18n';
import { checkVideoFile, rejectionMessage } from '../../lib/files';
import { IpcError } from '../../lib/ipc';
import { describeError } from '../../lib/errors';
import { ChoiceControl, isGroup, NumberControl, TextControl, UrlControl, VideoSourceControl } from './controls';
import { checkDraft, draftToParams, emptyDraft, type Draft, type FormValue, type Picked } from './model';

export interface Submission {
  /** Validated, with every default filled in. */
  params: Params;
  draft: Draft;
}

export interface OperationFormProps {
  spec: OperationSpec;
  initial?: Draft | undefined;
  /** Every edit, so a parent can keep the draft (e.g. across operation tabs). */
  onChange?: ((draft: Draft) => void) | undefined;
  /** Sends the job; rejects with an IpcError, whose issues are shown under their fields. */
  onSubmit: (submission: Submission, onProgress: (fraction: number) => void) => Promise<unknown>;
  /** Offers an earlier result for a URL source; resolves undefined when the user picks nothing. */
  pickFromLibrary?: ((kind: MediaKind) => Promise<Picked | undefined>) | undefined;
  /** Field keys not shown, because the surrounding view supplies them (the dropped file's field). */
  hidden?: readonly string[];
  submitLabel?: string | undefined;
  /** Offered when submitting failed for want of a valid key. */
  onOpenSettings?: (() => void) | undefined;
  /** Field keys a set fills in for every member: their issues neither show nor block here (the set panel places each member's). */
  supplied?: readonly string[] | undefined;
  /** Submit stays off for a reason shown beside the form (a set with problems). */
  blocked?: boolean | undefined;
}

const VALIDATE_DELAY_MS = 300;
const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** The form's own check, in the same shape as the issues main sends back (coded, so worded per locale). */
function issuesOf(spec: OperationSpec, draft: Draft): ErrorIssue[] {
  const result = checkDraft(spec, draft);
  return result.ok ? [] : result.issues.map((issue) => toErrorIssue(spec, issue));
}

/** Server issues are about `params.<path>` when the IPC schema caught them, or `<path>` from the spec. */
function serverIssues(info: ErrorInfo): ErrorIssue[] {
  return (info.issues ?? []).map((issue) => ({ ...issue, path: issue.path.replace(/^params\./, '') }));
}

/**
 * One form for any operation, generated from its spec: a control per field chosen by `type` and
 * `presentation`, the spec's validation as the user types (shown once a field is touched), submit
 * disabled while invalid, Ctrl/⌘+Enter to submit.
 */
export function OperationForm(props: OperationFormProps): React.JSX.Element {
  const { spec, initial, onChange, onSubmit, pickFromLibrary, hidden = [], submitLabel, onOpenSettings, supplied = [], blocked = false } = props;
  const { t } = useTranslation('compose');
  const { t: tJobs } = useTranslation('jobs');
  const { t: tDrop } = useTranslation('drop');
  const locale = useLocale();
  const formId = useId();

  const [draft, setDraft] = useState<Draft>(() => initial ?? emptyDraft(spec));
  // Validation runs on every change (it is cheap); what is shown is debounced instead: a new problem
  // appears once the user pauses, a fixed one disappears at once.
  const suppliedKey = supplied.join('\n');
  const issues = useMemo(() => {
    const open = (issue: ErrorIssue): boolean => !issueKeys(issue).every((key) => suppliedKey.split('\n').includes(key));
    return issuesOf(spec, draft).filter(open);
  }, [spec, draft, suppliedKey]);
  const [settled, setSettled] = useState<ErrorIssue[]>(issues);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [fromServer, setFromServer] = useState<ErrorIssue[]>([]);
  const [failure, setFailure] = useState<{ text: string; needsKey: boolean }>();
  const [fileError, setFileError] = useState<string>();
  const [pending, setPending] = useState<{ progress: number | undefined }>();

  useEffect(() => {
    const timer = setTimeout(() => setSettled(issues), VALIDATE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [issues]);

  const touch = (key: string): void => setTouched((prev) => (prev.has(key) ? prev : new Set(prev).add(key)));
  const update = (next: Draft, key?: string): void => {
    setDraft(next);
    setFromServer([]);
    setFailure(undefined);
    if (key) touch(key);
    onChange?.(next);
  };
  /** The library item a pick just put into the input field, for the job's lineage. */
  const picking = useRef<string | undefined>(undefined);
  const setValue = (key: string, value: FormValue): void => {
    const next: Draft = { ...draft, values: { ...draft.values, [key]: value } };
    // A new input, typed or picked, replaces the old one's lineage: the job comes from what is there now.
    if (key === spec.inputField) next.parentItemId = picking.current;
    picking.current = undefined;
    update(next, key);
  };
  const pick =
    pickFromLibrary &&
    (async (kind: MediaKind): Promise<string | undefined> => {
      const picked = await pickFromLibrary(kind);
      picking.current = picked?.itemId;
      return picked?.url;
    });

  const shown = spec.fields.filter((f) => !hidden.includes(f.key));
  const all = [...issues, ...fromServer];
  const isSettled = (issue: ErrorIssue): boolean => settled.some((s) => s.path === issue.path && s.code === issue.code && s.message === issue.message);
  const isTouched = (issue: ErrorIssue): boolean => showAll || issueKeys(issue).some((key) => touched.has(key));
  const isVisible = (issue: ErrorIssue): boolean => showAll || (isTouched(issue) && isSettled(issue));
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  for (const issue of all.filter(isVisible)) {
    const message = issueText(spec, issue, locale);
    const field = issueField(spec, issue);
    if (field && shown.includes(field)) byField.set(field.key, [...(byField.get(field.key) ?? []), message]);
    else if (!general.includes(message)) general.push(message);
  }
  const missing = [
    ...new Set(
      all
        .filter((issue) => !isTouched(issue))
        .map((issue) => {
          return issueKeys(issue).map((key) => spec.fields.find((f) => f.key === key)?.label[locale] ?? key).join(' / ');
        }),
    ),
  ];
  const invalid = issues.length > 0 || blocked;

  const submit = async (): Promise<void> => {
    if (pending) return;
    const check = checkDraft(spec, draft);
    if (issues.length > 0) {
      setShowAll(true);
      return;
    }
    if (blocked) return;
    setPending({ progress: undefined });
    setFailure(undefined);
    try {
      // With fields a set supplies left empty, the form's own parameters are the set's base; main checks each member.
      await onSubmit({ params: check.ok ? check.params : draftToParams(spec, draft), draft }, (progress) => setPending({ progress }));
    } catch (error) {
      const info: ErrorInfo = error instanceof IpcError ? error.info : { kind: 'internal', message: String(error) };
      const located = serverIssues(info).filter((issue) => issueField(spec, issue));
      if (located.length > 0) {
        setFromServer(located);
        setShowAll(true);
      } else {
        const described = describeError(info, tJobs, { spec, locale });
        setFailure({ text: t('submitFailed', { message: described.text }), needsKey: described.fix === 'settings' });
      }
    } finally {
      setPending(undefined);
    }
  };

  const chooseFile = (file: File): void => {
    setFileError(undefined);
    void checkVideoFile(file).then((check) => {
      if (check.ok) update({ ...draft, source: { kind: 'file', file }, parentItemId: undefined }, spec.inputField);
      else setFileError(rejectionMessage(check, file.name, tDrop));
    });
  };

  const renderField = (field: Field): React.JSX.Element => {
    const id = `${formId}-${field.key}`;
    const errors = byField.get(field.key) ?? (field.type === 'video_source' && fileError ? [fileError] : []);
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const common = {
      id,
      locale,
      value: draft.values[field.key],
      invalid: errors.length > 0,
      describedBy: errors.length > 0 ? `${helpId} ${errorId}` : helpId,
      onChange: (value: FormValue) => setValue(field.key, value),
      onBlur: () => touch(field.key),
    };
    let control: React.JSX.Element;
    switch (field.type) {
      case 'text':
        control = <TextControl field={field} {...common} />;
        break;
      case 'choice':
        control = <ChoiceControl field={field} {...common} />;
        break;
      case 'number':
        control = <NumberControl field={field} {...common} />;
        break;
      case 'url':
        control = <UrlControl field={field} {...common} pickFromLibrary={pick} />;
        break;
      case 'video_source':
        control = (
          <VideoSourceControl
            field={field}
            {...common}
            source={draft.source}
            onFile={chooseFile}
            onClearFile={() => update({ ...draft, source: undefined, parentItemId: undefined }, field.key)}
            pickFromLibrary={pick}
          />
        );
        break;
    }
    // The asterisk is drawn by CSS so it stays out of the label's text; controls carry aria-required.
    const label = <span className={field.required ? 'required' : undefined}>{field.label[locale]}</span>;
    const after = (
      <>
        <p id={helpId} className="help">
          {field.help[locale]}
        </p>
        {errors.length > 0 && (
          <p id={errorId} className="field-error" role="alert">
            {errors.join(' ')}
          </p>
        )}
      </>
    );
    const wide = field.type === 'text' || (field.type === 'choice' && field.presentation === 'gallery') || field.type === 'url' || field.type === 'video_source';
    const className = `field field-${field.type}${wide ? ' wide' : ''}`;
    return isGroup(field) ? (
      <fieldset key={field.key} className={className}>
        <legend>{label}</legend>
        {control}
        {after}
      </fieldset>
    ) : (
      <div key={field.key} className={className}>
        <label htmlFor={id}>{label}</label>
        {control}
        {after}
      </div>
    );
  };

  const busyText = pending
    ? pending.progress === undefined
      ? t('submitting')
      : t('uploading', { percent: Math.round(pending.progress * 100) })
    : undefined;
  const noteId = `${formId}-note`;

  return (
    <form
      className="operation-form"
      aria-label={spec.title[locale]}
      noValidate
      onSubmit={(e) => e.preventDefault()}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void submit();
        }
      }}
    >
      <div className="fields">{shown.map(renderField)}</div>
      {general.length > 0 && (
        <div className="banner error" role="alert">
          {general.join(' ')}
        </div>
      )}
      {failure && (
        <div className="banner error" role="alert">
          {failure.text}
          {failure.needsKey && onOpenSettings && (
            <button type="button" className="link" onClick={onOpenSettings}>
              {tJobs('actions.settings')}
            </button>
          )}
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="primary" disabled={invalid || Boolean(pending)} aria-describedby={noteId} onClick={() => void submit()}>
          {busyText ?? submitLabel ?? t('submit')}
        </button>
        <span id={noteId} className="muted">
          {missing.length > 0 ? t('notReady', { fields: missing.join(locale === 'zh-CN' ? '、' : ', ') }) : t('shortcut', { keys: IS_MAC ? '⌘ Enter' : 'Ctrl + Enter' })}
        </span>
      </div>
    </form>
  );
}
