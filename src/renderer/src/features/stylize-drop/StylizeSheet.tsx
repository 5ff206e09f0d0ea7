import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localVideoOperation } from '@shared/catalog';
import { useLocale } from '../../i18n';
import { useNavigation } from '../../lib/navigation';
import { useModal } from '../../lib/useModal';
import { OperationForm } from '../compose/OperationForm';
import { emptyDraft } from '../compose/model';
import { submitJob } from '../compose/submit';
import { MediaPreview } from '../preview/MediaPreview';

const STYLIZE = localVideoOperation();
const SOURCE_FIELD = STYLIZE.fileField ?? '';

/** The dropped clip's preview next to the stylize form (its source field is the file itself). */
export function StylizeSheet({ file, onClose }: { file: File; onClose: () => void }): React.JSX.Element {
  const { t } = useTranslation('drop');
  const locale = useLocale();
  const go = useNavigation((s) => s.go);
  const dialog = useModal();
  const [previewUrl] = useState(() => (typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : undefined));

  // The preview's object URL is freed with the sheet; a submitted job keeps its own (see rememberLocalInput).
  useEffect(
    () => () => {
      if (previewUrl) URL.revokeObjectURL(previewUrl);
    },
    [previewUrl],
  );

  return (
    <dialog
      ref={dialog}
      className="sheet stylize-sheet"
      aria-labelledby="stylize-title"
      onCancel={onClose}
    >
      <header className="sheet-header">
        <h2 id="stylize-title">{t('sheet.title')}</h2>
        <button type="button" className="secondary" onClick={onClose}>
          {t('sheet.close')}
        </button>
      </header>
      <div className="stylize-body">
        <div className="stylize-preview">
          {previewUrl && <MediaPreview kind="video" url={previewUrl} label={t('sheet.preview', { name: file.name })} />}
          <p className="muted">{file.name}</p>
        </div>
        <OperationForm
          spec={STYLIZE}
          initial={{ ...emptyDraft(STYLIZE), source: { kind: 'file', file } }}
          hidden={[SOURCE_FIELD]}
          submitLabel={t('sheet.submit')}
          onSubmit={async (submission, onProgress) => {
            await submitJob(STYLIZE.id, submission, onProgress);
            onClose();
            // Dropped anywhere, the job is followed where its result will show: the studio's feed.
            go('compose');
          }}
          onOpenSettings={() => {
            onClose();
            go('settings');
          }}
        />
      </div>
      <p className="muted small">{STYLIZE.description[locale]}</p>
    </dialog>
  );
}
