import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getOperation, VENDORS, type OperationId } from '@shared/catalog';
import { useLocale } from '../../i18n';
import { sandboxedVendors, useVendorStates } from '../../lib/appInfo';

/** Remembered in this window's storage: the panel is for the first run, not every run. */
export const ONBOARDING_KEY = 'promptreel.onboarding.dismissed';

/** Prompts the sandbox answers (it refuses only prompts carrying its test markers), one per kind of result. */
export const EXAMPLES: readonly { operation: OperationId; prompt: { en: string; 'zh-CN': string } }[] = [
  { operation: 'hidream.txt2img', prompt: { en: 'A lighthouse at dusk, watercolor', 'zh-CN': '黄昏时的灯塔，水彩风格' } },
  { operation: 'hidream.txt2video', prompt: { en: 'A paper boat drifting down a rain-soaked street', 'zh-CN': '一只纸船顺着雨后的街道漂流' } },
  { operation: 'haiper.generate', prompt: { en: 'Fog rolling over green hills at sunrise', 'zh-CN': '日出时雾气漫过青翠的山丘' } },
];

function dismissed(): boolean {
  try {
    return localStorage.getItem(ONBOARDING_KEY) === '1';
  } catch {
    return false;
  }
}

export interface OnboardingProps {
  /** Fills the form of `operation` with `prompt`, ready to submit. */
  onTry: (operation: OperationId, prompt: string) => void;
  onOpenKeys: () => void;
}

/** The first-run panel: what the sandbox is, where keys go, the drop anywhere, three prompts that work. */
export function Onboarding({ onTry, onOpenKeys }: OnboardingProps): React.JSX.Element | null {
  const { t, i18n } = useTranslation('studio');
  const locale = useLocale();
  const [hidden, setHidden] = useState(dismissed);
  const vendors = sandboxedVendors(useVendorStates((s) => s.states));
  if (hidden) return null;
  const dismiss = (): void => {
    setHidden(true);
    try {
      localStorage.setItem(ONBOARDING_KEY, '1');
    } catch {
      // Storage refused: the panel comes back next time, which is only a nuisance.
    }
  };
  const list = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(vendors);
  return (
    <section className="onboarding" aria-label={t('onboarding.label')}>
      <h3>{t('onboarding.title')}</h3>
      <ul>
        <li>{vendors.length > 0 ? t('onboarding.sandbox', { vendors: list }) : t('onboarding.live')}</li>
        <li>
          {t('onboarding.keys')}{' '}
          <button type="button" className="link" onClick={onOpenKeys}>
            {t('onboarding.openKeys')}
          </button>
        </li>
        <li>{t('onboarding.drop')}</li>
      </ul>
      <p className="muted small">{t('onboarding.examples')}</p>
      <div className="onboarding-examples">
        {EXAMPLES.map(({ operation, prompt }) => (
          <button key={operation} type="button" className="secondary example" title={getOperation(operation).title[locale]} onClick={() => onTry(operation, prompt[locale])}>
            <span className="muted small">{VENDORS[getOperation(operation).vendor].name[locale]} · {getOperation(operation).tabTitle[locale]}</span>
            <span>{prompt[locale]}</span>
          </button>
        ))}
      </div>
      <button type="button" className="secondary onboarding-dismiss" onClick={dismiss}>
        {t('onboarding.dismiss')}
      </button>
    </section>
  );
}
