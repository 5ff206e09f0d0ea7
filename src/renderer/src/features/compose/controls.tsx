import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '@shared/format';
import type { Locale, Text } from '@shared/i18n-text';
import type { ChoiceField, ChoiceOption, Field, MediaKind, NumberField, TextField, UrlField, VideoSourceField } from '@shared/catalog';
import { sourceName, type SourceFile } from '../../lib/files';
import type { FormValue } from './model';

/** Everything a control needs from the form; controls hold no state of their own. */
export interface ControlProps<F extends Field = Field> {
  field: F;
  id: string;
  value: FormValue;
  locale: Locale;
  invalid: boolean;
  describedBy: string;
  onChange: (value: FormValue) => void;
  onBlur: () => void;
}

export interface SourceProps {
  source: SourceFile | undefined;
  onFile: (file: File) => void;
  onClearFile: () => void;
  pickFromLibrary: ((kind: MediaKind) => Promise<string | undefined>) | undefined;
}

/** Controls drawn as a group of options get a fieldset and legend instead of a label. */
export function isGroup(field: Field): boolean {
  return field.type === 'choice' && field.presentation !== 'select';
}

function str(value: FormValue): string {
  return value === undefined ? '' : String(value);
}

// ——— text ———

export function TextControl({ field, id, value, invalid, describedBy, onChange, onBlur }: ControlProps<TextField>): React.JSX.Element {
  const { t } = useTranslation('compose');
  const text = str(value);
  return (
    <div className="text-control">
      <textarea
        id={id}
        rows={field.role === 'prompt' ? 4 : 2}
        value={text}
        aria-required={field.required || undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      <span className={text.length > field.maxLength ? 'counter over' : 'counter'}>
        {t('counter', { count: text.length, max: field.maxLength })}
      </span>
    </div>
  );
}

// ——— choices ———

/** The frame's shape, from "1280*720" or "16:9": a rectangle inside a square, scaled to fit. */
function Shape({ value }: { value: string }): React.JSX.Element | null {
  const [w, h] = value.split(/[*:]/).map(Number);
  if (!w || !h) return null;
  const scale = 18 / Math.max(w, h);
  const width = w * scale;
  const height = h * scale;
  return (
    <svg className="shape" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
      <rect x={(24 - width) / 2} y={(24 - height) / 2} width={width} height={height} rx="1.5" />
    </svg>
  );
}

/** A stable hue per style so the gallery has colour without shipping images. */
function hue(value: string): number {
  let h = 0;
  for (const ch of value) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

/**
 * A style's names in both languages: the current one first, the other below. English labels already
 * read "Ink wash · 水墨", so the other language's part is taken off the secondary line.
 */
function bilingual(label: Text, locale: Locale): { primary: string; secondary: string | undefined } {
  const primary = label[locale];
  const other = label[locale === 'en' ? 'zh-CN' : 'en'];
  const secondary = other.replace(` · ${primary}`, '');
  return { primary, secondary: primary.includes(secondary) ? undefined : secondary };
}

function OptionContent({ field, option, locale }: { field: ChoiceField; option: ChoiceOption; locale: Locale }): ReactNode {
  switch (field.presentation) {
    case 'resolution':
    case 'aspect':
      return (
        <>
          <Shape value={String(option.value)} />
          <span>{option.label[locale]}</span>
        </>
      );
    case 'gallery': {
      const { primary, secondary } = bilingual(option.label, locale);
      return (
        <>
          <span className="swatch" style={{ '--hue': hue(String(option.value)) } as CSSProperties} aria-hidden="true" />
          <span className="style-name">{primary}</span>
          {secondary && <span className="style-alt">{secondary}</span>}
        </>
      );
    }
    default:
      return <span>{option.label[locale]}</span>;
  }
}

export function ChoiceControl({ field, id, value, locale, invalid, describedBy, onChange, onBlur }: ControlProps<ChoiceField>): React.JSX.Element {
  const { t } = useTranslation('compose');
  // An optional choice without a default can be left unset (a style when a prompt says it all).
  const allowNone = !field.required && field.default === undefined;
  if (field.presentation === 'select') {
    const index = field.options.findIndex((o) => o.value === value);
    return (
      <select
        id={id}
        value={index < 0 ? '' : String(index)}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value === '' ? undefined : field.options[Number(e.target.value)]?.value)}
        onBlur={onBlur}
      >
        {(allowNone || index < 0) && <option value="">{t('none')}</option>}
        {field.options.map((option, i) => (
          <option key={String(option.value)} value={String(i)}>
            {option.label[locale]}
          </option>
        ))}
      </select>
    );
  }
  const name = `${id}-options`;
  const options: (ChoiceOption | undefined)[] = allowNone ? [undefined, ...field.options] : field.options;
  return (
    <div className={`options options-${field.presentation}`} aria-describedby={describedBy}>
      {options.map((option) => (
        <label key={option === undefined ? '' : String(option.value)} className={option?.value === value || (!option && value === undefined) ? 'option checked' : 'option'}>
          <input
            type="radio"
            className="visually-hidden"
            name={name}
            checked={option === undefined ? value === undefined : option.value === value}
            aria-invalid={invalid}
            onChange={() => onChange(option?.value)}
            onBlur={onBlur}
          />
          {option ? <OptionContent field={field} option={option} locale={locale} /> : <span>{t('none')}</span>}
        </label>
      ))}
    </div>
  );
}

// ——— numbers ———

/**
 * How a camera move will look: an arrow for pans and tilts, nested frames for push-in / pull-back.
 * The spec names the axis in the field key (`camera_move_horizontal|vertical|depth`).
 */
function CameraHint({ axis, value }: { axis: string; value: number }): React.JSX.Element {
  if (axis.endsWith('depth')) {
    const size = 12 + value * 1.6;
    return (
      <svg className="camera-hint" viewBox="0 0 24 24" width="36" height="36" aria-hidden="true">
        <rect className="frame" x="2" y="2" width="20" height="20" rx="2" />
        <rect className="move" x={12 - size / 2} y={12 - size / 2} width={size} height={size} rx="1" />
      </svg>
    );
  }
  const horizontal = axis.endsWith('horizontal');
  // Screen y grows downwards, and a positive vertical move tilts up.
  const dx = horizontal ? value * 1.8 : 0;
  const dy = horizontal ? 0 : -value * 1.8;
  const len = Math.hypot(dx, dy);
  const ux = len ? dx / len : 0;
  const uy = len ? dy / len : 0;
  const tipX = 12 + dx;
  const tipY = 12 + dy;
  return (
    <svg className="camera-hint" viewBox="0 0 24 24" width="36" height="36" aria-hidden="true">
      <rect className="frame" x="2" y="2" width="20" height="20" rx="2" />
      {len === 0 ? (
        <circle className="move" cx="12" cy="12" r="1.6" />
      ) : (
        <>
          <line className="move" x1="12" y1="12" x2={tipX} y2={tipY} />
          <polyline
            className="move"
            points={`${tipX - ux * 3 - uy * 2.5},${tipY - uy * 3 + ux * 2.5} ${tipX},${tipY} ${tipX - ux * 3 + uy * 2.5},${tipY - uy * 3 - ux * 2.5}`}
          />
        </>
      )}
    </svg>
  );
}

export function NumberControl({ field, id, value, invalid, describedBy, onChange, onBlur }: ControlProps<NumberField>): React.JSX.Element {
  const typed = str(value);
  if (field.presentation === 'number') {
    return (
      <input
        id={id}
        type="number"
        inputMode={field.integer ? 'numeric' : 'decimal'}
        min={field.min}
        max={field.max}
        step={field.step}
        value={typed}
        placeholder={field.default === undefined ? undefined : String(field.default)}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
    );
  }
  // A slider cannot leave its range, so an exclusive minimum starts one step above it.
  const min = field.exclusiveMin ? field.min + field.step : field.min;
  const current = typed === '' || !Number.isFinite(Number(typed)) ? (field.default ?? min) : Number(typed);
  return (
    <div className={`slider slider-${field.presentation}`}>
      <input
        id={id}
        type="range"
        min={min}
        max={field.max}
        step={field.step}
        value={current}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      <output htmlFor={id} className="slider-value">
        {field.presentation === 'camera' && current > 0 ? `+${current}` : current}
      </output>
      {field.presentation === 'camera' && <CameraHint axis={field.key} value={current} />}
    </div>
  );
}

// ——— sources ———

function LibraryButton({ kind, pick, onPicked }: { kind: MediaKind; pick: SourceProps['pickFromLibrary']; onPicked: (url: string) => void }): React.JSX.Element | null {
  const { t } = useTranslation('compose');
  if (!pick) return null;
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        void pick(kind).then((url) => url && onPicked(url));
      }}
    >
      {t('fromLibrary')}
    </button>
  );
}

export function UrlControl({ field, id, value, invalid, describedBy, onChange, onBlur, pickFromLibrary }: ControlProps<UrlField> & Pick<SourceProps, 'pickFromLibrary'>): React.JSX.Element {
  return (
    <div className="source-control">
      <input
        id={id}
        type="url"
        placeholder="https://…"
        value={str(value)}
        aria-required={field.required || undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      <LibraryButton kind={field.accept} pick={pickFromLibrary} onPicked={onChange} />
    </div>
  );
}

export function VideoSourceControl(props: ControlProps<VideoSourceField> & SourceProps): React.JSX.Element {
  const { id, value, invalid, describedBy, onChange, onBlur, source, onFile, onClearFile, pickFromLibrary } = props;
  const { t } = useTranslation('compose');
  if (source) {
    return (
      <div className="source-file">
        <span className="file-chip">
          <span className="muted">{t('localFile')}</span> {sourceName(source)}
          {source.kind === 'file' && <span className="muted"> · {formatBytes(source.file.size)}</span>}
        </span>
        <button type="button" className="secondary" onClick={onClearFile}>
          {t('removeFile')}
        </button>
      </div>
    );
  }
  return (
    <div className="source-control">
      <label className="button secondary file-button">
        {t('chooseFile')}
        <input
          type="file"
          accept="video/*,.mkv,.mov"
          className="visually-hidden"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) onFile(file);
            // The same file chosen again after a removal still fires a change.
            e.target.value = '';
          }}
        />
      </label>
      <input
        id={id}
        type="url"
        placeholder={`${t('orUrl')} https://…`}
        value={str(value)}
        aria-required={props.field.required || undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      <LibraryButton kind="video" pick={pickFromLibrary} onPicked={onChange} />
    </div>
  );
}
