import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiContext';
import { selectApi } from './api/selectApi';
import { App } from './App';
import './styles/app.css';

// Sessions arrive with cashier login; until then calls carry none.
const api = selectApi(() => undefined);

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
