import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiContext';
import { selectApi } from './api/selectApi';
import { sessionToken } from './api/session';
import { watchSessionExpiry } from './api/sessionWatch';
import { App } from './App';
import { CustomerApp } from './customer/CustomerScreen';
import './styles/app.css';

const root = document.getElementById('root');
if (root) {
  // The customer display (客显) is this app at #customer: it only listens to the till, never calls it.
  if (window.location.hash === '#customer') {
    createRoot(root).render(
      <StrictMode>
        <CustomerApp />
      </StrictMode>,
    );
  } else {
    const selected = selectApi(sessionToken);
    const api = { ...selected, api: watchSessionExpiry(selected.api) };
    createRoot(root).render(
      <StrictMode>
        <ApiProvider value={api}>
          <App />
        </ApiProvider>
      </StrictMode>,
    );
  }
}
