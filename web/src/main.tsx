import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyLargeText, readLargeText } from './prefs';
import './styles.css';

// Apply the large-text choice before the first paint.
applyLargeText(readLargeText());

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
