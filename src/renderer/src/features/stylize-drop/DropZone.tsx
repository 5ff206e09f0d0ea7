import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_VIDEO_BYTES } from '@shared/files';
import { formatBytes } from '@shared/format';
import { checkVideoFile, rejectionMessage } from '../../lib/files';
import { StylizeSheet } from './StylizeSheet';

function carriesFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Window-wide drop target: a video dropped anywhere opens the stylize sheet; anything else (not a
 * video, unreadable, too large) gets a message saying why, and nothing is submitted.
 */
export function DropZone(): React.JSX.Element {
  const { t } = useTranslation('drop');
  const [dragging, setDragging] = useState(false);
  const [rejection, setRejection] = useState<string>();
  const [file, setFile] = useState<File>();
  // dragenter/dragleave fire for every child crossed; a depth count tells when the window is left.
  const depth = useRef(0);

  useEffect(() => {
    const onEnter = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current += 1;
      setDragging(true);
    };
    const onOver = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      // Without this the browser would open the file in place of the app.
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    const onDrop = (e: DragEvent): void => {
      if (!carriesFiles(e) && !e.dataTransfer?.files.length) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      const dropped = e.dataTransfer?.files[0];
      if (!dropped) {
        setRejection(t('rejected.not_file'));
        return;
      }
      void checkVideoFile(dropped).then((check) => {
        if (check.ok) {
          setRejection(undefined);
          setFile(dropped);
        } else {
          setRejection(rejectionMessage(check, dropped.name, t));
        }
      });
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [t]);

  return (
    <>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-target">
            <strong>{t('overlay')}</strong>
            <span>{t('overlayHint', { max: formatBytes(MAX_VIDEO_BYTES) })}</span>
          </div>
        </div>
      )}
      {rejection && (
        <div className="drop-rejection banner error" role="alert">
          <span>
            {rejection} {t('nothingSubmitted')}
          </span>
          <button type="button" className="link" onClick={() => setRejection(undefined)}>
            {t('dismiss')}
          </button>
        </div>
      )}
      {file && <StylizeSheet key={`${file.name}:${file.size}:${file.lastModified}`} file={file} onClose={() => setFile(undefined)} />}
    </>
  );
}
