import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiContext';
import { selectApi } from './api/selectApi';
import { sessionToken } from './api/session';
import { App } from './App';
import './styles/app.css';

const api = selectApi(sessionToken);

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
