import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestInput } from '@shared/ipc';
import type { KeysStatus, VendorKeyStatus } from '@shared/ipc/keys';
import { VENDOR_IDS, VENDORS, type VendorId } from '@shared/catalog';
import { useLocale } from '../../i18n';
import { IpcError } from '../../lib/ipc';
import { useSettingsStore } from './store';

/** The host part of a URL as main compares it (scheme, name, port); undefined while it is not a URL yet. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return undefined;
  }
}

export function KeysSection({ keys }: { keys: KeysStatus }): React.JSX.Element {
  const { t } = useTranslation('settings');
  return (
    <section aria-labelledby="keys-title" className="settings-section">
      <h2 id="keys-title">{t('keys.title')}</h2>
      <p className="muted">{t('keys.intro')}</p>
      <StorageChoice keys={keys} />
      {VENDOR_IDS.map((vendor) => (
        <VendorKeyCard key={vendor} vendor={vendor} status={keys.vendors[vendor]} keys={keys} />
      ))}
    </section>
  );
}

/** How keys are kept: said plainly, and on a weak system stored only after an explicit confirmation. */
function StorageChoice({ keys }: { keys: KeysStatus }): React.JSX.Element {
  const { t } = useTranslation('settings');
  const setMode = useSettingsStore((s) => s.setMode);
  const [wantWeak, setWantWeak] = useState(false);
  const [understood, setUnderstood] = useState(false);
  const [error, setError] = useState<string>();
  const name = useId();

  const apply = async (mode: KeysStatus['mode'], confirmWeak?: boolean): Promise<void> => {
    setError(undefined);
    try {
      await setMode(mode, confirmWeak);
      setWantWeak(false);
      setUnderstood(false);
    } catch (e) {
      setError(e instanceof IpcError ? e.message : String(e));
    }
  };

  if (keys.memoryOnly) {
    return (
      <p role="note" className="banner info">
        {t('storage.memoryOnly')}
      </p>
    );
  }
  if (keys.persistence === 'unavailable') {
    return (
      <p role="note" className="banner warning">
        {t('storage.unavailable')}
      </p>
    );
  }

  const weak = keys.persistence === 'weak';
  const choice = keys.mode === 'persistent' ? 'persistent' : wantWeak ? 'persistent' : 'session';
  return (
    <div className="storage-choice">
      {weak && (
        <p role="note" className="banner warning">
          {t('storage.weakWarning')}
        </p>
      )}
      <fieldset>
        <legend>{t('storage.modeLabel')}</legend>
        <label>
          <input
            type="radio"
            name={name}
            checked={choice === 'session'}
            onChange={() => {
              setWantWeak(false);
              if (keys.mode !== 'session') void apply('session');
            }}
          />
          {weak ? t('storage.mode.sessionRecommended') : t('storage.mode.session')}
        </label>
        <label>
          <input
            type="radio"
            name={name}
            checked={choice === 'persistent'}
            onChange={() => {
              // Weak protection needs the confirmation below; a keyring needs nothing more.
              if (weak) setWantWeak(true);
              else void apply('persistent');
            }}
          />
          {weak ? t('storage.mode.persistentWeak') : t('storage.mode.persistentSecure')}
        </label>
      </fieldset>
      {weak && wantWeak && keys.mode === 'session' && (
        <div className="confirm-weak">
          <label>
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
            {t('storage.confirmWeakCheck')}
          </label>
          <button type="button" disabled={!understood} onClick={() => void apply('persistent', true)}>
            {t('storage.confirmWeak')}
          </button>
          <button type="button" className="secondary" onClick={() => setWantWeak(false)}>
            {t('keys.cancel')}
          </button>
        </div>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

function StatusLine({ status, keys }: { status: VendorKeyStatus; keys: KeysStatus }): React.JSX.Element {
  const { t } = useTranslation('settings');
  if (status.unreadable && !status.configured) {
    const text =
      status.problem === 'tampered'
        ? t('keys.tampered')
        : status.problem === 'unconfirmed_host'
          ? t('keys.unconfirmedHost', { host: hostOf(status.baseUrl) ?? status.baseUrl })
          : t('keys.unreadable');
    return <p className="banner warning">{text}</p>;
  }
  if (!status.configured) return <p className="muted">{t('keys.notConfigured')}</p>;
  const storage =
    keys.memoryOnly || status.storage === 'session'
      ? t(keys.memoryOnly ? 'keys.storage.memory' : 'keys.storage.session')
      : status.storage === 'weak'
        ? t('keys.storage.weak')
        : t('keys.storage.encrypted', { backend: keys.backend });
  return (
    <p>
      <strong>{t('keys.configured', { last4: status.last4 ?? '' })}</strong> <span className="muted">{storage}</span>
    </p>
  );
}

function VendorKeyCard({ vendor, status, keys }: { vendor: VendorId; status: VendorKeyStatus; keys: KeysStatus }): React.JSX.Element {
  const { t } = useTranslation('settings');
  const { saveKey, clearKey, testKey } = useSettingsStore.getState();
  const test = useSettingsStore((s) => s.tests[vendor]);
  const id = useId();
  // The key field starts empty and is emptied after saving: a key is never shown again.
  const [key, setKey] = useState('');
  const [userId, setUserId] = useState('');
  const [baseUrl, setBaseUrl] = useState(status.baseUrl);
  const [endpointPath, setEndpointPath] = useState(status.endpointPath ?? '');
  const [busy, setBusy] = useState(false);
  // "Saved." is kept as a fact, not as words, so switching the language afterwards rewords it.
  const [message, setMessage] = useState<{ kind: 'ok' } | { kind: 'error'; text: string }>();
  const [confirmClear, setConfirmClear] = useState(false);

  const run = async (action: () => Promise<void>, saved = false): Promise<void> => {
    setBusy(true);
    setMessage(undefined);
    try {
      await action();
      if (saved) setMessage({ kind: 'ok' });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof IpcError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const save = (): Promise<void> =>
    run(async () => {
      const secret = key.trim() === '' ? undefined : key;
      // A stored URL main could not vouch for is sent with the new key: the user saw it and confirms it.
      const url = baseUrl.trim() === status.baseUrl && !(secret && status.unreadable) ? undefined : baseUrl;
      let input: RequestInput<'keys.set'>;
      if (vendor === 'hidream') {
        input = { vendor, token: secret, baseUrl: url, userId: userId.trim() === '' ? undefined : userId };
      } else {
        const path = endpointPath.trim() === (status.endpointPath ?? '') ? undefined : endpointPath;
        input = { vendor, accessKey: secret, baseUrl: url, endpointPath: path };
      }
      await saveKey(input);
      setKey('');
      setUserId('');
    }, true);

  const field = (suffix: string): string => `${id}-${suffix}`;
  const locale = useLocale();
  const vendorName = VENDORS[vendor].service[locale];
  const hasField = (name: string): boolean => VENDORS[vendor].keyFields.some((f) => f.name === name);
  // Main refuses to send a saved key to another host; say so before the user presses Save.
  const newHost = hostOf(baseUrl);
  const keyLabel = VENDORS[vendor].keyFields.find((f) => f.secret && f.required)?.label[locale] ?? vendorName;
  const keyNeededAgain = status.configured && key.trim() === '' && newHost !== undefined && newHost !== hostOf(status.baseUrl);
  return (
    <article className="key-card" aria-labelledby={field('title')}>
      <h3 id={field('title')}>{vendorName}</h3>
      <StatusLine status={status} keys={keys} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="field">
          <label htmlFor={field('key')}>{VENDORS[vendor].keyFields[0].label[locale]}</label>
          <input
            id={field('key')}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            maxLength={4096}
            placeholder={status.configured ? t('keys.keyPlaceholderReplace') : t('keys.keyPlaceholderNew')}
            required={keyNeededAgain}
            aria-invalid={keyNeededAgain || undefined}
            aria-describedby={keyNeededAgain ? field('key-again') : undefined}
            onChange={(e) => setKey(e.target.value)}
          />
          {keyNeededAgain && (
            <small id={field('key-again')} role="note" className="warning-text">
              {t('keys.keyNeededForHost', { host: newHost, key: keyLabel })}
            </small>
          )}
        </div>
        {hasField('userId') && (
          <div className="field">
            <label htmlFor={field('user')}>{t('keys.userId')}</label>
            <input
              id={field('user')}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={userId}
              maxLength={256}
              placeholder={status.hasUserId ? t('keys.userIdPlaceholderSaved') : ''}
              onChange={(e) => setUserId(e.target.value)}
            />
            {status.hasUserId && (
              <button type="button" className="link" disabled={busy} onClick={() => void run(() => saveKey({ vendor: 'hidream', userId: '' }))}>
                {t('keys.removeUserId')}
              </button>
            )}
          </div>
        )}
        <div className="field">
          <label htmlFor={field('url')}>{t('keys.baseUrl')}</label>
          <input id={field('url')} type="url" value={baseUrl} maxLength={2048} onChange={(e) => setBaseUrl(e.target.value)} />
        </div>
        {hasField('endpointPath') && (
          <div className="field">
            <label htmlFor={field('endpoint')}>{t('keys.endpointPath')}</label>
            <input
              id={field('endpoint')}
              type="text"
              value={endpointPath}
              maxLength={512}
              aria-describedby={field('endpoint-help')}
              onChange={(e) => setEndpointPath(e.target.value)}
            />
            <small id={field('endpoint-help')} className="muted">
              {t('keys.endpointHelp')}
            </small>
          </div>
        )}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('keys.saving') : t('keys.save')}
          </button>
          <button type="button" className="secondary" disabled={test.running || !status.configured} onClick={() => void testKey(vendor)}>
            {test.running ? t('keys.testing') : t('keys.test')}
          </button>
          {(status.configured || status.unreadable) && !confirmClear && (
            <button type="button" className="danger" disabled={busy} onClick={() => setConfirmClear(true)}>
              {t('keys.clear')}
            </button>
          )}
        </div>
      </form>
      {confirmClear && (
        <div role="group" aria-label={t('keys.clear')} className="confirm">
          <p>{t('keys.confirmClear')}</p>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setConfirmClear(false);
              void run(() => clearKey(vendor));
            }}
          >
            {t('keys.confirmClearYes')}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirmClear(false)}>
            {t('keys.cancel')}
          </button>
        </div>
      )}
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error-text' : undefined}>
          {message.kind === 'ok' ? t('keys.saved') : message.text}
        </p>
      )}
      {test.result && (
        <div role="status" aria-label={`${t('keys.test')}: ${vendorName}`} className={test.result.ok ? 'result ok' : 'result failed'}>
          <strong>{test.result.ok ? t('keys.result.ok') : t(`keys.result.${test.result.reason}`)}</strong>
          {!test.result.ok && <small className="muted"> {test.result.message}</small>}
        </div>
      )}
    </article>
  );
}
