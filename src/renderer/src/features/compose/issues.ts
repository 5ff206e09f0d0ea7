import type { TFunction } from 'i18next';
import type { ErrorIssue } from '@shared/errors';
import type { Locale } from '@shared/i18n-text';
import type { AtLeastOneRule, Field, OperationSpec } from '@shared/operations';
import type { FormValues } from './model';

export function ruleFor(spec: OperationSpec, issue: ErrorIssue): AtLeastOneRule | undefined {
  return spec.rules?.find((rule) => rule.message.en === issue.message);
}

/** The field an issue belongs to, by its dotted path (a rule's issue sits on its first key). */
export function fieldFor(spec: OperationSpec, issue: ErrorIssue): Field | undefined {
  return spec.fields.find((field) => field.key === issue.path);
}

/** The field keys whose editing reveals an issue: the field itself, or every key of a rule. */
export function issueKeys(spec: OperationSpec, issue: ErrorIssue): string[] {
  return ruleFor(spec, issue)?.keys ?? [issue.path];
}

/**
 * An issue in the UI's language. `validateParams` words its messages in English, and those are shown
 * as they are; in other locales the message is rebuilt from the same spec (the field's label and its
 * allowed range or options) and the value that failed, so no field's message is written twice.
 */
export function issueMessage(
  spec: OperationSpec,
  issue: ErrorIssue,
  values: FormValues,
  locale: Locale,
  t: TFunction<'compose'>,
): string {
  if (locale === 'en') return issue.message;
  const rule = ruleFor(spec, issue);
  if (rule) return rule.message[locale];
  const field = fieldFor(spec, issue);
  if (!field) return issue.message;
  const label = field.label[locale];
  const raw = values[field.key];
  switch (field.type) {
    case 'text':
      return String(raw ?? '').length > field.maxLength
        ? t('validation.tooLong', { label, max: field.maxLength })
        : t('validation.required', { label });
    case 'choice':
      return t('validation.oneOf', { label, options: field.options.map((o) => o.label[locale]).join('、') });
    case 'number': {
      const n = Number(String(raw ?? '').trim());
      const range = { label, min: field.min, max: field.max };
      if (!Number.isFinite(n) || String(raw ?? '').trim() === '') return t('validation.number', range);
      if (field.integer && !Number.isInteger(n)) return t('validation.integer', range);
      if (field.exclusiveMin && n <= field.min) return t('validation.above', range);
      if (n < field.min) return t('validation.atLeast', range);
      if (n > field.max) return t('validation.atMost', range);
      return t('validation.number', range);
    }
    case 'url':
      return t('validation.url', { label });
    case 'video_source':
      return t('validation.videoSource', { label });
  }
}
