import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getOperation, OPERATION_IDS, type OperationId } from '@shared/catalog';
import type { PlannedShotSource } from '@shared/reels';
import { useLocale } from '../../i18n';
import { pathForSource } from '../../lib/files';
import { useModal } from '../../lib/useModal';
import { OperationForm } from '../compose/OperationForm';
import { paramsToDraft } from '../compose/model';

/** A reel plays video: the operations whose result is a clip. */
const VIDEO_OPERATIONS = OPERATION_IDS.filter((id) => getOperation(id).output === 'video');
const FIRST: OperationId = VIDEO_OPERATIONS[0] ?? 'hidream.txt2video';

interface Props {
  title: string;
  submitLabel: string;
  /** The plan being edited; a new plan starts on the first video operation's empty form. */
  initial?: PlannedShotSource | undefined;
  onCancel: () => void;
  /** Saves the plan; rejects with main's error, which the form shows under the field it is about. */
  onPlan: (source: PlannedShotSource) => Promise<void>;
}

/** A planned shot: an operation and its parameters, in the same form the studio uses, generated later. */
export function PlanSheet({ title, submitLabel, initial, onCancel, onPlan }: Props): React.JSX.Element {
  const { t } = useTranslation('reels');
  const locale = useLocale();
  const dialog = useModal();
  const id = useId();
  const [operation, setOperation] = useState<OperationId>(initial?.operation ?? FIRST);
  const spec = getOperation(operation);
  const draft = initial && initial.operation === operation ? paramsToDraft(spec, initial.params, initial.file ?? null) : undefined;

  return (
    <dialog ref={dialog} className="sheet plan-sheet" aria-labelledby={`${id}-title`} onCancel={onCancel}>
      <div className="sheet-header">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
      <label className="plan-operation">
        {t('plan.operation')}
        <select value={operation} onChange={(e) => setOperation(e.target.value as OperationId)}>
          {VIDEO_OPERATIONS.map((op) => (
            <option key={op} value={op}>
              {getOperation(op).title[locale]}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">{spec.description[locale]}</p>
      <OperationForm
        key={operation}
        spec={spec}
        initial={draft}
        submitLabel={submitLabel}
        onSubmit={async ({ params, draft: submitted }, onProgress) => {
          const file = submitted.source ? await pathForSource(submitted.source, onProgress) : undefined;
          const parentItemId = submitted.parentItemId ?? (initial?.operation === operation ? initial.parentItemId : undefined);
          await onPlan({ kind: 'planned', operation, params, ...(file ? { file } : {}), ...(parentItemId ? { parentItemId } : {}) });
        }}
      />
    </dialog>
  );
}
