import { useTranslation } from 'react-i18next';
import { sandboxedVendors, useVendorStates } from '../lib/appInfo';

/** Says plainly when results are demo media from the sandbox rather than the real services. */
export function SandboxBanner(): React.JSX.Element | null {
  const { t } = useTranslation('app');
  const vendors = sandboxedVendors(useVendorStates((s) => s.states));
  if (vendors.length === 0) return null;
  return (
    <div className="sandbox-banner" role="note" aria-label={t('sandbox.label')}>
      {t('sandbox.text', { vendors: vendors.join(' & ') })}
    </div>
  );
}
