import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { applyPreferences } from './app/preferences';
import './styles.css';

// Language and theme are in place before the first render, so nothing flashes untranslated.
applyPreferences();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
