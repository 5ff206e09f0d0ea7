import type { TFunction } from 'i18next';
import type { OperationId } from '@shared/operations';

/**
 * What made an item, in words that are true of it. Haiper's generate makes a clip from text alone or
 * from a source image; a card only knows the operation, so it says "Haiper video", and the details,
 * which have the parameters, say which of the two it was.
 */
export function operationLabel(t: TFunction<'library'>, operation: OperationId | null, params?: Record<string, unknown> | null): string {
  if (!operation) return t('imported');
  if (operation === 'haiper.generate' && params) return hasSourceImage(params) ? t('made_haiper.image2video') : t('made_haiper.text2video');
  return t(`op_${operation}`);
}

function hasSourceImage(params: Record<string, unknown>): boolean {
  const config = params['config'];
  const image = config && typeof config === 'object' ? (config as Record<string, unknown>)['sourceImage'] : undefined;
  return typeof image === 'string' && image.trim() !== '';
}

/** A "use as input" action: generate from this item is always image to video. */
export function chainLabel(t: TFunction<'library'>, operation: OperationId): string {
  return operation === 'haiper.generate' ? t('chain_haiper.generate') : t(`op_${operation}`);
}
