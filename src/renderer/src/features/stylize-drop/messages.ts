import type { TFunction } from 'i18next';
import { formatBytes, MAX_VIDEO_BYTES } from '@shared/files';
import type { VideoCheck } from '../../lib/files';

export type Rejection = Exclude<VideoCheck, { ok: true }>;

/** Why a file was refused, naming it and, for size, the cap. */
export function rejectionMessage(rejection: Rejection, name: string, t: TFunction<'drop'>): string {
  return t(`rejected.${rejection.reason}`, {
    name,
    size: rejection.reason === 'too_large' ? formatBytes(rejection.size) : '',
    max: formatBytes(MAX_VIDEO_BYTES),
  });
}
