import i18next from 'i18next';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initReactI18next } from 'react-i18next';
import { App } from './app/App';
import { LIBRARY_NAMESPACE, libraryLocales } from './features/library';
import './styles.css';

// Each feature brings its own namespace; the app shell owns the language choice.
void i18next.use(initReactI18next).init({
  lng: navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en',
  fallbackLng: 'en',
  resources: { en: { [LIBRARY_NAMESPACE]: libraryLocales.en }, 'zh-CN': { [LIBRARY_NAMESPACE]: libraryLocales['zh-CN'] } },
  interpolation: { escapeValue: false },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
