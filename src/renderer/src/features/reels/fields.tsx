import { useState } from 'react';

/**
 * A text or number input that edits freely and saves on Enter or when it loses focus, so main gets one
 * request per change the user meant rather than one per keystroke. The typed text stays until the
 * saved value changes (main's answer, or another window); Escape goes back to the saved value.
 */
export function CommitInput({
  value,
  onCommit,
  type = 'text',
  ...rest
}: {
  value: string;
  onCommit: (text: string) => void;
  type?: 'text' | 'number';
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'>): React.JSX.Element {
  const [draft, setDraft] = useState<{ base: string; text: string } | null>(null);
  // A new saved value (an event, another window) replaces a draft typed against the old one.
  const text = draft && draft.base === value ? draft.text : value;
  const commit = (): void => {
    // The typed text stays until main's answer changes the saved value (or shows why it did not).
    if (draft && draft.base === value && draft.text !== value) onCommit(draft.text);
  };
  return (
    <input
      {...rest}
      type={type}
      value={text}
      onChange={(e) => setDraft({ base: value, text: e.target.value })}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit();
        } else if (e.key === 'Escape') setDraft(null);
      }}
    />
  );
}

/** The same for a multi-line text: saved when it loses focus. */
export function CommitTextarea({
  value,
  onCommit,
  ...rest
}: { value: string; onCommit: (text: string) => void } & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>): React.JSX.Element {
  const [draft, setDraft] = useState<{ base: string; text: string } | null>(null);
  const text = draft && draft.base === value ? draft.text : value;
  return (
    <textarea
      {...rest}
      value={text}
      onChange={(e) => setDraft({ base: value, text: e.target.value })}
      onBlur={() => {
        if (draft && draft.base === value && draft.text !== value) onCommit(draft.text);
      }}
    />
  );
}

/** Seconds as an input shows them: at most two decimals, no trailing zeros. */
export function secondsText(seconds: number): string {
  return String(Math.round(seconds * 100) / 100);
}
