import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiContext';
import { selectApi } from './api/selectApi';
import { sessionToken } from './api/session';
import { watchSessionExpiry } from './api/sessionWatch';
import { App } from './App';
import './styles/app.css';

const selected = selectApi(sessionToken);
const api = { ...selected, api: watchSessionExpiry(selected.api) };

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ApiProvider value={api}>
        <App />
      </ApiProvider>
    </StrictMode>,
  );
}
