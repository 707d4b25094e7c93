// Top level: boot (auth.status) decides between first-run setup, login, and the signed-in shell.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, Loading } from '../ui/states.tsx';
import { Toasts } from '../ui/toasts.tsx';
import { AuthLayout } from '../features/auth/AuthLayout.tsx';
import { LoginScreen } from '../features/auth/LoginScreen.tsx';
import { SetupScreen } from '../features/auth/SetupScreen.tsx';
import { useAuth } from '../features/auth/store.ts';
import { useCameras } from '../features/cameras/store.ts';
import { useLive } from '../features/live/store.ts';
import { Shell } from './Shell.tsx';

export function App() {
  const { t } = useTranslation();
  const { phase, boot, bootError } = useAuth();
  useEffect(() => { void boot(); }, [boot]);
  // Signed out: forget what the previous user's session loaded.
  useEffect(() => {
    if (phase !== 'ready') { useCameras.getState().reset(); useLive.getState().reset(); }
  }, [phase]);

  let screen;
  switch (phase) {
    case 'booting': screen = <div className="boot"><Loading label={t('app.starting')} /></div>; break;
    case 'unreachable': screen = <AuthLayout title={t('app.unreachable')}><ErrorState error={bootError} onRetry={() => void boot()} title={t('app.unreachableHint')} /></AuthLayout>; break;
    case 'setup': screen = <SetupScreen />; break;
    case 'login': screen = <LoginScreen />; break;
    case 'ready': screen = <Shell />; break;
  }
  return (
    <>
      {screen}
      <Toasts />
    </>
  );
}
