import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { getOperation } from '@shared/catalog';
import type { Shot } from '@shared/reels';
import { useLocale } from '../../i18n';

/** "Shot 3": how the editor, the preview and every message name a shot (its place in the reel). */
export function useShotLabel(): (shot: Shot) => string {
  const { t } = useTranslation('reels');
  return useCallback((shot: Shot) => t('shot.label', { n: shot.position + 1 }), [t]);
}

/** What a shot shows: its clip's title, else a planned shot's prompt, else its operation's name. */
export function useShotTitle(): (shot: Shot) => string {
  const locale = useLocale();
  return useCallback(
    (shot: Shot) => {
      if (shot.clip) return shot.clip.title;
      if (shot.source.kind !== 'planned') return '';
      const prompt = findPrompt(shot.source.params);
      return prompt || getOperation(shot.source.operation).shortTitle[locale];
    },
    [locale],
  );
}

/** The prompt of a plan's parameters, wherever the operation keeps it (`prompt`, or nested). */
function findPrompt(params: Record<string, unknown>): string {
  const direct = params['prompt'];
  if (typeof direct === 'string') return direct;
  for (const value of Object.values(params)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const nested = findPrompt(value as Record<string, unknown>);
      if (nested) return nested;
    }
  }
  return '';
}

/** Seconds the shot lasts in the reel (its trimmed range), or null while the clip's length is unknown. */
export function trimmedSeconds(shot: Shot): number | null {
  const length = shot.clip?.durationSeconds ?? null;
  const out = shot.trimOut ?? length;
  if (out === null) return null;
  return Math.max(0, Math.min(out, length ?? out) - shot.trimIn);
}
