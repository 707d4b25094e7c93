// Entry point: pick the transport (Electron bridge or HTTP), set up i18n, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickTransport } from './client/pick-transport.ts';
import { withSessionGuard } from './client/session-guard.ts';
import { setClient } from './app/client.ts';
import { useConnection } from './app/connection.ts';
import { App } from './app/App.tsx';
import { useAuth } from './features/auth/store.ts';
import { initI18n } from './i18n/setup.ts';
import './styles/app.css';

initI18n();
const { client, transport } = pickTransport();
client.onConnectionChange?.((connected) => useConnection.getState().set(connected));
setClient(withSessionGuard(client, () => useAuth.getState().sessionExpired()));
document.documentElement.dataset.transport = transport;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
