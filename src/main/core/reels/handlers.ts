import { dirname } from 'node:path';
import type { reelsRequests } from '@shared/ipc/reels';
import { checkFolder, type PathGrants } from '../../platform/paths-policy';
import type { HandlersFor } from '../ipc/dispatcher';
import type { MediaService } from '../media/service';
import type { ReelExporter } from './export';
import type { ReelService } from './service';

type ReelChannel = keyof typeof reelsRequests;

export interface ReelHandlerOptions {
  reels: ReelService;
  exporter: ReelExporter;
  media: MediaService;
  /** In the desktop app an export's path must come from the save dialog (see `PathGrants`). */
  grants?: PathGrants | undefined;
}

/** The `reels.*` and `media.*` slice of the IPC handlers; inputs are schema-checked by the dispatcher. */
export function reelsHandlers({ reels, exporter, media, grants }: ReelHandlerOptions): HandlersFor<ReelChannel> {
  return {
    'reels.list': () => reels.list(),
    'reels.get': ({ id }) => reels.get(id),
    'reels.create': (input) => reels.create(input),
    'reels.update': (input) => reels.update(input),
    'reels.delete': ({ id }) => reels.delete(id),
    'reels.addShots': ({ reelId, shots, at }) => reels.addShots(reelId, shots, at),
    'reels.updateShot': ({ reelId, shotId, edit }) => reels.updateShot(reelId, shotId, edit),
    'reels.moveShot': ({ reelId, shotId, to }) => reels.moveShot(reelId, shotId, to),
    'reels.removeShot': ({ reelId, shotId }) => reels.removeShot(reelId, shotId),
    'reels.swapShot': ({ reelId, shotId, source }) => reels.swapShot(reelId, shotId, source),
    'reels.generateMissing': ({ reelId }) => reels.generateMissing(reelId),
    'reels.regenerateShot': ({ reelId, shotId }) => reels.regenerateShot(reelId, shotId),
    'reels.extendShot': ({ reelId, shotId, params }) => reels.extendShot(reelId, shotId, params),
    'reels.export': async ({ reelId, out }) => {
      if (out) {
        grants?.require(out, 'The file to export to', 'the reel’s “Export to…”');
        checkFolder(dirname(out), 'export');
      }
      return (await exporter.start(reelId, out ? { out } : {})).start;
    },
    'reels.cancelExport': ({ exportId }) => exporter.cancel(exportId),
    'media.facts': ({ itemId }) => media.facts(itemId),
    'media.frames': ({ itemId, count, height }) => media.frames(itemId, count, height),
  };
}
