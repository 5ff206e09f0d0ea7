import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '@shared/format';
import { REEL_ASPECT_RATIOS, REEL_NAME_MAX, REEL_NOTES_MAX, REEL_SHORT_SIDES, resolutionFor, type GenerateMissingResult, type Reel, type ReelAspectRatio, type ShotInput } from '@shared/reels';
import { call } from '../../lib/ipc';
import { ExportPanel } from './ExportPanel';
import { CommitInput, CommitTextarea } from './fields';
import { ItemPicker } from './ItemPicker';
import { PlanSheet } from './PlanSheet';
import { ReelPlayer } from './ReelPlayer';
import { playable, reelSegments } from './segments';
import { ShotInspector } from './ShotInspector';
import { ShotStrip } from './ShotStrip';
import { useReels } from './store';
import { useShotLabel } from './labels';
import { shotProblems, useErrorText } from './words';

export interface ReelEditorProps {
  reel: Reel;
  /** Shows a library item (an export, a shot's clip) in the Library. */
  onOpenItem?: ((itemId: string) => void) | undefined;
}

/** Shots main would submit with "Generate missing shots": planned, or failed, and not generating now. */
function missingCount(reel: Reel): number {
  return reel.shots.filter((s) => s.source.kind === 'planned' && (s.state === 'planned' || s.state === 'failed')).length;
}

/** The short side a resolution has (what the resolution menu offers). */
function shortSide(reel: Reel): number {
  return Math.min(reel.resolution.width, reel.resolution.height);
}

/** One reel: its format and notes, its shots in order, the selected shot's settings, preview and export. */
export function ReelEditor({ reel, onOpenItem }: ReelEditorProps): React.JSX.Element {
  const { t } = useTranslation('reels');
  const errorText = useErrorText();
  const label = useShotLabel();
  const error = useReels((s) => s.error);
  const exported = useReels((s) => s.exports.get(reel.id));
  const { run, remove } = useReels.getState();
  const [selectedShotId, setSelectedShotId] = useState<string | null>(reel.shots[0]?.id ?? null);
  const [adding, setAdding] = useState<'library' | 'plan' | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [generated, setGenerated] = useState<GenerateMissingResult>();
  const [generating, setGenerating] = useState(false);
  const selectedShot = reel.shots.find((s) => s.id === selectedShotId) ?? reel.shots[0];
  const segments = useMemo(
    () => reelSegments(reel, (shot, part) => t(part === 'title' ? 'preview.nowTitle' : 'preview.now', { label: label(shot), count: reel.shots.length })),
    [reel, label, t],
  );
  const notPlayable = reel.shots.filter((s) => !playable(s)).length;
  const problems = shotProblems(exported?.phase === 'failed' ? exported.error : null);
  const missing = missingCount(reel);

  const update = (patch: Omit<Parameters<typeof call<'reels.update'>>[1], 'id'>): void => void run(() => call('reels.update', { id: reel.id, ...patch }));
  /** New shots go after the selected one; the first of them is selected, so its settings are right there. */
  const addShots = async (shots: ShotInput[], { rethrow = false } = {}): Promise<void> => {
    const at = selectedShot ? selectedShot.position + 1 : reel.shots.length;
    const request = (): Promise<Reel> => call('reels.addShots', { reelId: reel.id, shots, at });
    // The plan form shows main's objections under its fields, so it gets them as they came.
    const next = rethrow ? await request() : await run(request);
    if (rethrow && next) useReels.getState().applyReel(next);
    const first = next?.shots[at];
    if (first) setSelectedShotId(first.id);
  };
  const generateMissing = async (): Promise<void> => {
    setGenerating(true);
    try {
      setGenerated(await useReels.getState().generateMissing(reel.id));
    } finally {
      setGenerating(false);
    }
  };
  const side = shortSide(reel);
  const sides: number[] = (REEL_SHORT_SIDES as readonly number[]).includes(side) ? [...REEL_SHORT_SIDES] : [...REEL_SHORT_SIDES, side].sort((a, b) => a - b);

  return (
    <div className="reel-editor">
      <header className="reel-head">
        <label className="reel-name">
          <span className="visually-hidden">{t('editor.name')}</span>
          <CommitInput value={reel.name} maxLength={REEL_NAME_MAX} aria-label={t('editor.name')} onCommit={(name) => name.trim() && update({ name: name.trim() })} />
        </label>
        <span className="muted reel-duration">
          {reel.durationSeconds === null ? t('editor.durationUnknown') : t('editor.duration', { duration: formatDuration(reel.durationSeconds * 1000) })}
        </span>
        {confirmDelete ? (
          <span className="reel-confirm" role="group" aria-label={t('editor.delete')}>
            <span>{t('editor.confirmDelete')}</span>
            <button type="button" className="danger" onClick={() => void remove(reel.id)}>
              {t('editor.delete')}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirmDelete(false)}>
              {t('cancel')}
            </button>
          </span>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
            {t('editor.delete')}
          </button>
        )}
      </header>

      <div className="reel-settings">
        <label>
          {t('editor.aspect')}
          <select
            value={reel.aspectRatio}
            onChange={(e) => {
              const aspectRatio = e.target.value as ReelAspectRatio;
              update({ aspectRatio, resolution: resolutionFor(aspectRatio, side) });
            }}
          >
            {REEL_ASPECT_RATIOS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('editor.resolution')}
          <select value={side} onChange={(e) => update({ resolution: resolutionFor(reel.aspectRatio, Number(e.target.value)) })}>
            {sides.map((s) => {
              const r = s === side ? reel.resolution : resolutionFor(reel.aspectRatio, s);
              return (
                <option key={s} value={s}>
                  {r.width} × {r.height}
                </option>
              );
            })}
          </select>
        </label>
        <label className="reel-notes">
          {t('editor.notes')}
          <CommitTextarea value={reel.notes} maxLength={REEL_NOTES_MAX} rows={2} placeholder={t('editor.notesPlaceholder')} onCommit={(notes) => update({ notes })} />
        </label>
      </div>

      <div className="reel-toolbar" role="toolbar" aria-label={t('editor.tools')}>
        <button type="button" className="secondary" onClick={() => setAdding('library')}>
          {t('editor.addFromLibrary')}
        </button>
        <button type="button" className="secondary" onClick={() => setAdding('plan')}>
          {t('editor.addPlanned')}
        </button>
        <button type="button" onClick={() => void generateMissing()} disabled={missing === 0 || generating}>
          {generating ? t('editor.generating') : t('editor.generateMissing', { count: missing })}
        </button>
        <button type="button" className="secondary" onClick={() => setPreviewing(!previewing)} disabled={segments.length === 0} aria-expanded={previewing}>
          {previewing ? t('editor.hidePreview') : t('editor.preview')}
        </button>
      </div>
      {generated && (generated.submitted.length > 0 || generated.refused.length > 0) && (
        <div className={generated.refused.length > 0 ? 'banner error' : 'reel-note'} role="status">
          <span>{t('editor.submitted', { count: generated.submitted.length })}</span>
          {generated.refused.map((r) => {
            const shot = generated.reel.shots.find((s) => s.id === r.shotId);
            return <span key={r.shotId}>{`${shot ? label(shot) : r.shotId}: ${errorText(r.error)}`}</span>;
          })}
          <button type="button" className="link" onClick={() => setGenerated(undefined)}>
            {t('dismiss')}
          </button>
        </div>
      )}
      {error && (
        <div role="alert" className="banner error">
          {errorText(error)}
          <button type="button" className="link" onClick={() => useReels.getState().clearError()}>
            {t('dismiss')}
          </button>
        </div>
      )}

      <ExportPanel reel={reel} problems={problems} onOpenItem={onOpenItem} />

      {previewing && segments.length > 0 && (
        <div className="reel-preview">
          <ReelPlayer segments={segments} width={reel.resolution.width} height={reel.resolution.height} onClose={() => setPreviewing(false)} />
          {notPlayable > 0 && <p className="muted">{t('preview.leftOut', { count: notPlayable })}</p>}
        </div>
      )}

      <ShotStrip reel={reel} selectedId={selectedShot?.id ?? null} problems={problems} onSelect={setSelectedShotId} />

      {selectedShot ? (
        <ShotInspector key={selectedShot.id} reel={reel} shot={selectedShot} onOpenItem={onOpenItem} onRemoved={() => setSelectedShotId(null)} />
      ) : (
        <p className="placeholder">{t('editor.empty')}</p>
      )}

      {adding === 'library' && (
        <ItemPicker
          multiple
          title={t('picker.addTitle')}
          onDone={(ids) => {
            setAdding(null);
            if (ids.length) void addShots(ids.map((itemId) => ({ source: { kind: 'item', itemId } })));
          }}
        />
      )}
      {adding === 'plan' && (
        <PlanSheet
          title={t('plan.addTitle')}
          submitLabel={t('plan.add')}
          onCancel={() => setAdding(null)}
          onPlan={async (source) => {
            await addShots([{ source }], { rethrow: true });
            setAdding(null);
          }}
        />
      )}
    </div>
  );
}
