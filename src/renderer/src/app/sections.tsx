import { useMemo } from 'react';
import type { OperationId } from '@shared/catalog';
import { OPERATIONS } from '@shared/catalog';
import i18next from 'i18next';
import { ComposeView } from '../features/compose/ComposeView';
import { emptyDraft, paramsToDraft } from '../features/compose/model';
import { promptField } from '../features/compose/PromptHistory';
import { useCompose } from '../features/compose/store';
import { duplicateJob } from '../features/jobs/actions';
import { Onboarding } from '../features/studio/Onboarding';
import { StudioFeed, type StudioFeedProps } from '../features/studio/StudioFeed';
import { DownloadsPanel } from '../features/downloads/DownloadsPanel';
import { LibraryView } from '../features/library';
import { useLibraryStore } from '../features/library/store';
import { ReelsView, useReels } from '../features/reels';
import { SettingsView } from '../features/settings';
import { call } from '../lib/ipc';
import { useAppInfo } from '../lib/appInfo';
import { useNavigation } from '../lib/navigation';

/** Remix and chaining both open the studio's form filled in; the user reviews and submits. */
function compose(operation: OperationId, params: Record<string, unknown>, parentItemId?: string, file?: string): void {
  const draft = paramsToDraft(OPERATIONS[operation], params, file ?? null);
  useCompose.getState().load(operation, parentItemId ? { ...draft, parentItemId } : draft);
  useNavigation.getState().go('compose');
}

/** An example prompt in its operation's form, the rest of the draft as the user left it. */
function tryPrompt(operation: OperationId, prompt: string): void {
  const spec = OPERATIONS[operation];
  const field = promptField(spec);
  const draft = useCompose.getState().drafts[operation] ?? emptyDraft(spec);
  useCompose.getState().load(operation, field ? { ...draft, values: { ...draft.values, [field.key]: prompt } } : draft);
}

/** A reel of picked clips, from the library or the studio feed: the Reels section shows it, or main's reason when it could not be made. */
function newReel(itemIds: string[]): void {
  void useReels.getState().create(i18next.t('reels:list.fromSelection', { count: itemIds.length }), itemIds);
  useNavigation.getState().go('reels');
}

/** The studio: the compose form beside the live feed of results and their next steps. */
export function StudioSection(): React.JSX.Element {
  const nativeDrag = useAppInfo((s) => s.info?.transport === 'electron');
  const canReveal = useAppInfo((s) => s.info?.canRevealFiles === true);
  const go = useNavigation((s) => s.go);
  const actions = useMemo<StudioFeedProps['actions']>(
    () => ({
      onRemix: duplicateJob,
      onChain: compose,
      onOpenInLibrary: (id) => {
        void useLibraryStore.getState().select(id);
        go('library');
      },
      canReveal,
      nativeDrag,
    }),
    [canReveal, nativeDrag, go],
  );
  return (
    <div className="studio">
      <div className="studio-form">
        <ComposeView />
      </div>
      <StudioFeed actions={actions} onNewReel={newReel} intro={<Onboarding onTry={tryPrompt} onOpenKeys={() => go('settings')} />} />
    </div>
  );
}

/** The sections whose views live in their own feature folders, wired to the app shell here. */
export function LibrarySection(): React.JSX.Element {
  const nativeDrag = useAppInfo((s) => s.info?.transport === 'electron');
  const canPickPaths = useAppInfo((s) => s.info?.canPickPaths === true);
  const canReveal = useAppInfo((s) => s.info?.canRevealFiles === true);
  const pickPath = async (kind: 'folder' | 'file', title: string): Promise<string | null> => (await call('app.pickPath', { kind, title })).path;
  return (
    <LibraryView
      nativeDrag={nativeDrag}
      pickPath={canPickPaths ? pickPath : undefined}
      canReveal={canReveal}
      onRemix={(operation, params) => compose(operation, params)}
      onChain={compose}
      onNewReel={newReel}
    />
  );
}

export function ReelsSection(): React.JSX.Element {
  const go = useNavigation((s) => s.go);
  return (
    <ReelsView
      onOpenItem={(itemId) => {
        void useLibraryStore.getState().select(itemId);
        go('library');
      }}
    />
  );
}

export function DownloadsSection(): React.JSX.Element {
  return <DownloadsPanel />;
}

export function SettingsSection(): React.JSX.Element {
  return <SettingsView />;
}
