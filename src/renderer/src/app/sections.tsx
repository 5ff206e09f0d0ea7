import type { OperationId } from '@shared/catalog';
import { OPERATIONS } from '@shared/catalog';
import i18next from 'i18next';
import { paramsToDraft } from '../features/compose/model';
import { useCompose } from '../features/compose/store';
import { DownloadsPanel } from '../features/downloads/DownloadsPanel';
import { LibraryView } from '../features/library';
import { useLibraryStore } from '../features/library/store';
import { ReelsView, useReels } from '../features/reels';
import { SettingsView } from '../features/settings';
import { call } from '../lib/ipc';
import { useAppInfo } from '../lib/appInfo';
import { useNavigation } from '../lib/navigation';

/** The sections whose views live in their own feature folders, wired to the app shell here. */
export function LibrarySection(): React.JSX.Element {
  const nativeDrag = useAppInfo((s) => s.info?.transport === 'electron');
  const canPickPaths = useAppInfo((s) => s.info?.canPickPaths === true);
  const canReveal = useAppInfo((s) => s.info?.canRevealFiles === true);
  const go = useNavigation((s) => s.go);
  // Remix and chaining both open the compose form filled in; the user reviews and submits.
  const compose = (operation: OperationId, params: Record<string, unknown>, parentItemId?: string, file?: string): void => {
    const draft = paramsToDraft(OPERATIONS[operation], params, file ?? null);
    useCompose.getState().load(operation, parentItemId ? { ...draft, parentItemId } : draft);
    go('compose');
  };
  const pickPath = async (kind: 'folder' | 'file', title: string): Promise<string | null> => (await call('app.pickPath', { kind, title })).path;
  return (
    <LibraryView
      nativeDrag={nativeDrag}
      pickPath={canPickPaths ? pickPath : undefined}
      canReveal={canReveal}
      onRemix={(operation, params) => compose(operation, params)}
      onChain={compose}
      onNewReel={(itemIds) => {
        // The Reels section shows the new reel, or main's reason when it could not be made.
        void useReels.getState().create(i18next.t('reels:list.fromSelection', { count: itemIds.length }), itemIds);
        go('reels');
      }}
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
