import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OperationSpec } from '@shared/catalog';
import { toast } from '../../lib/toasts';
import type { Draft, FormValues } from './model';
import { PRESET_NAME_MAX, usePresets, type Preset, type PresetProblem } from './presets';

const EMPTY: readonly Preset[] = [];

export interface PresetsProps {
  spec: OperationSpec;
  /** The form as it is now: what "Save as preset" keeps. */
  draft: Draft;
  /** Puts a preset's values into the form (inputs it does not keep, such as a source file, stay). */
  onApply: (values: FormValues) => void;
}

/** Named parameter sets for this operation: save the form as one, apply, rename or delete one. */
export function Presets({ spec, draft, onApply }: PresetsProps): React.JSX.Element {
  const { t } = useTranslation('compose', { keyPrefix: 'sets' });
  const id = useId();
  const presets = usePresets((s) => s.presets[spec.id]) ?? EMPTY;
  const { save, rename, remove } = usePresets();
  const [chosenId, setChosenId] = useState('');
  const [naming, setNaming] = useState<{ mode: 'save' | 'rename'; name: string }>();
  const [error, setError] = useState<string>();
  const chosen = presets.find((p) => p.id === chosenId);

  const words = (refused: PresetProblem, name: string): string => (refused === 'taken' ? t('presets.taken', { name: name.trim() }) : t('presets.emptyName'));

  const confirm = (): void => {
    if (!naming) return;
    const result = naming.mode === 'save' ? save(spec.id, naming.name, draft.values) : rename(spec.id, chosenId, naming.name);
    if (typeof result === 'string') {
      setError(words(result, naming.name));
      return;
    }
    setChosenId(result.id);
    setNaming(undefined);
    setError(undefined);
    if (naming.mode === 'save') toast('success', t('presets.saved', { name: result.name }));
  };

  return (
    <div className="presets" role="group" aria-label={t('presets.group')}>
      {presets.length > 0 && (
        <>
          <label className="inline" htmlFor={`${id}-select`}>
            {t('presets.label')}
          </label>
          <select id={`${id}-select`} value={chosen ? chosen.id : ''} onChange={(e) => setChosenId(e.target.value)}>
            <option value="">{t('presets.none')}</option>
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="secondary"
            disabled={!chosen}
            onClick={() => {
              if (!chosen) return;
              onApply({ ...draft.values, ...chosen.values });
              toast('success', t('presets.applied', { name: chosen.name }));
            }}
          >
            {t('presets.apply')}
          </button>
          <button type="button" className="secondary" disabled={!chosen} onClick={() => chosen && setNaming({ mode: 'rename', name: chosen.name })}>
            {t('presets.rename')}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!chosen}
            onClick={() => {
              if (!chosen) return;
              remove(spec.id, chosen.id);
              setChosenId('');
              toast('info', t('presets.removed', { name: chosen.name }));
            }}
          >
            {t('presets.remove')}
          </button>
        </>
      )}
      {!naming && (
        <button type="button" className="secondary" onClick={() => setNaming({ mode: 'save', name: '' })}>
          {t('presets.save')}
        </button>
      )}
      {naming && (
        <span className="preset-naming">
          <input
            type="text"
            aria-label={t('presets.name')}
            placeholder={t('presets.name')}
            maxLength={PRESET_NAME_MAX}
            // The user just asked to name it: the field is where they type next.
            autoFocus
            value={naming.name}
            aria-invalid={error ? true : undefined}
            onChange={(e) => {
              setNaming({ ...naming, name: e.target.value });
              setError(undefined);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                confirm();
              } else if (e.key === 'Escape') {
                e.stopPropagation();
                setNaming(undefined);
                setError(undefined);
              }
            }}
          />
          <button type="button" className="primary" onClick={confirm}>
            {naming.mode === 'save' ? t('presets.confirmSave') : t('presets.confirmRename')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setNaming(undefined);
              setError(undefined);
            }}
          >
            {t('presets.cancel')}
          </button>
          {error && (
            <span className="field-error" role="alert">
              {error}
            </span>
          )}
        </span>
      )}
    </div>
  );
}
