import { useTranslation } from 'react-i18next';
import { sandboxedVendors, useVendorStates } from '../lib/appInfo';

/** Says plainly when results are demo media from the sandbox rather than the real services. */
export function SandboxBanner(): React.JSX.Element | null {
  const { t, i18n } = useTranslation('app');
  const vendors = sandboxedVendors(useVendorStates((s) => s.states));
  if (vendors.length === 0) return null;
  // "HiDream answers" / "HiDream and Haiper answer": the verb agrees, and the list reads as a sentence in either language.
  const list = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(vendors);
  return (
    <div className="sandbox-banner" role="note" aria-label={t('sandbox.label')}>
      {t('sandbox.text', { vendors: list, count: vendors.length })}
    </div>
  );
}
