import type { TFunction } from 'i18next';
import { chainTitle, madeTitle, type OperationId } from '@shared/catalog';
import type { Locale } from '@shared/i18n-text';

/**
 * What made an item, in words that are true of it. A card knows only the operation ("Haiper video");
 * the details have the parameters and say whether a clip was made from text or from an image.
 */
export function operationLabel(t: TFunction<'library'>, locale: Locale, operation: OperationId | null, params?: Record<string, unknown> | null): string {
  return operation ? madeTitle(operation, locale, params) : t('imported');
}

/** A "use as input" action's name. */
export function chainLabel(locale: Locale, operation: OperationId): string {
  return chainTitle(operation, locale);
}
