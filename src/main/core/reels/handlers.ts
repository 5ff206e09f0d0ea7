import { AppError } from '@shared/errors';
import type { reelsRequests } from '@shared/ipc/reels';
import type { HandlersFor } from '../ipc/dispatcher';

type ReelChannel = keyof typeof reelsRequests;

const pending = (): never => {
  throw new AppError('internal', 'Reels are not available in this build yet.');
};

/** Placeholder until the reels engine lands: every reels/media request answers a clear error. */
export function reelsHandlers(): HandlersFor<ReelChannel> {
  return {
    'reels.list': pending,
    'reels.get': pending,
    'reels.create': pending,
    'reels.update': pending,
    'reels.delete': pending,
    'reels.addShots': pending,
    'reels.updateShot': pending,
    'reels.moveShot': pending,
    'reels.removeShot': pending,
    'reels.swapShot': pending,
    'reels.generateMissing': pending,
    'reels.regenerateShot': pending,
    'reels.extendShot': pending,
    'reels.export': pending,
    'reels.cancelExport': pending,
    'media.facts': pending,
    'media.frames': pending,
  };
}
