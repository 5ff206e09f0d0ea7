import { useEffect, useState } from 'react';
import type { AppInfo } from '@shared/ipc/app';
import { LibraryView } from '../features/library';
import { call, IpcError } from '../lib/ipc';

type Section = 'compose' | 'jobs' | 'library' | 'downloads' | 'settings' | 'about';

const SECTIONS: { id: Section; label: string }[] = [
  { id: 'compose', label: 'Compose' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'library', label: 'Library' },
  { id: 'downloads', label: 'Downloads' },
  { id: 'settings', label: 'Settings' },
  { id: 'about', label: 'About' },
];

export function App(): React.JSX.Element {
  const [section, setSection] = useState<Section>('about');
  const [info, setInfo] = useState<AppInfo>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    call('app.info', {}).then(setInfo, (e: unknown) => setError(e instanceof IpcError ? e.message : String(e)));
  }, []);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">Promptreel</div>
        {SECTIONS.map((s) => (
          <button
            key={s.id}
            type="button"
            className={s.id === section ? 'nav-item active' : 'nav-item'}
            aria-current={s.id === section ? 'page' : undefined}
            onClick={() => setSection(s.id)}
          >
            {s.label}
          </button>
        ))}
      </nav>
      <main className="content">
        {error && <div role="alert" className="banner error">{error}</div>}
        {section === 'about' ? (
          <About info={info} />
        ) : section === 'library' ? (
          <LibraryView nativeDrag={info?.transport === 'electron'} />
        ) : (
          <p className="placeholder">{SECTIONS.find((s) => s.id === section)?.label}</p>
        )}
      </main>
    </div>
  );
}

function About({ info }: { info: AppInfo | undefined }): React.JSX.Element {
  const [text, setText] = useState('hello from the renderer');
  const [reply, setReply] = useState<string>();
  const [error, setError] = useState<string>();

  const send = async (): Promise<void> => {
    setError(undefined);
    try {
      const result = await call('app.echo', { text });
      setReply(`${result.text} (received ${result.receivedAt})`);
    } catch (e) {
      setError(e instanceof IpcError ? e.message : String(e));
    }
  };

  return (
    <section aria-labelledby="about-title">
      <h1 id="about-title">About Promptreel</h1>
      {info && (
        <dl className="facts">
          <dt>Version</dt>
          <dd data-testid="app-version">{info.version}</dd>
          <dt>Running in</dt>
          <dd data-testid="app-transport">{info.transport === 'electron' ? 'Desktop app' : 'Browser shell'}</dd>
          <dt>Keys are kept in</dt>
          <dd>{info.keyStorage}</dd>
        </dl>
      )}
      <h2>Connection check</h2>
      <label>
        Message
        <input value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="button" onClick={() => void send()}>
        Send to main
      </button>
      {reply && <output aria-label="Reply from main">{reply}</output>}
      {error && <div role="alert">{error}</div>}
    </section>
  );
}
