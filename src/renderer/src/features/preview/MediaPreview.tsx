import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MediaKind } from '@shared/catalog';

export interface MediaPreviewProps {
  kind: MediaKind;
  url: string;
  /** Accessible name of the player or the image's alt text. */
  label: string;
}

/** A video player or an image, from any URL the CSP allows (local media, blob, the vendor's https link). */
export function MediaPreview({ kind, url, label }: MediaPreviewProps): React.JSX.Element {
  const { t } = useTranslation('preview');
  const [broken, setBroken] = useState<string>();
  if (broken === url) return <p className="media-broken">{t('broken')}</p>;
  return kind === 'video' ? (
    <video className="media" src={url} controls preload="metadata" aria-label={label} onError={() => setBroken(url)} />
  ) : (
    <img className="media" src={url} alt={label} loading="lazy" onError={() => setBroken(url)} />
  );
}
