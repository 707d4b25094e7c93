// Signed-in layout: persistent role-aware navigation on the left, the routed screen on the right.
import { Suspense, lazy, useEffect, useState } from 'react';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../ui/icons.tsx';
import type { IconName } from '../ui/icons.tsx';
import { Loading } from '../ui/states.tsx';
import { ChangePasswordDialog } from '../features/auth/ChangePasswordDialog.tsx';
import { useAuth } from '../features/auth/store.ts';
import { useLive } from '../features/live/store.ts';
import { LiveWall } from '../features/live/LiveWall.tsx';
import { SingleView } from '../features/live/SingleView.tsx';
import { useConnection } from './connection.ts';
import { navigate, useRouter } from './router.ts';
import { NAV_SCREENS, canAccess, homeFor, hrefOf } from './routes.ts';
import type { Route, Screen } from './routes.ts';
import { useSessionFeeds } from './use-feeds.ts';

const named = <K extends string>(load: () => Promise<Record<K, ComponentType<{ id?: string }>>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));
const EventsScreen = named(() => import('../features/events/EventsScreen.tsx'), 'EventsScreen');
const PeopleScreen = named(() => import('../features/people/PeopleScreen.tsx'), 'PeopleScreen');
const AttendanceScreen = named(() => import('../features/attendance/AttendanceScreen.tsx'), 'AttendanceScreen');
const CamerasScreen = named(() => import('../features/cameras/CamerasScreen.tsx'), 'CamerasScreen');
const SettingsScreen = named(() => import('../features/settings/SettingsScreen.tsx'), 'SettingsScreen');
const AuditScreen = named(() => import('../features/audit/AuditScreen.tsx'), 'AuditScreen');
const GuidedStart = named(() => import('../features/auth/GuidedStart.tsx'), 'GuidedStart');

const ICONS: Record<Exclude<Screen, 'welcome'>, IconName> = {
  live: 'live', events: 'events', people: 'people', attendance: 'attendance', cameras: 'cameras', settings: 'settings', audit: 'audit',
};

function ScreenFor({ route }: { route: Route }) {
  switch (route.screen) {
    case 'live': return route.id ? <SingleView key={route.id} cameraId={route.id} /> : <LiveWall />;
    case 'events': return <EventsScreen id={route.id} />;
    case 'people': return <PeopleScreen id={route.id} />;
    case 'attendance': return <AttendanceScreen id={route.id} />;
    case 'cameras': return <CamerasScreen id={route.id} />;
    case 'settings': return <SettingsScreen id={route.id} />;
    case 'audit': return <AuditScreen />;
    case 'welcome': return <GuidedStart />;
  }
}

export function Shell() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user)!;
  const { logout, justSetUp } = useAuth();
  const route = useRouter((s) => s.route);
  const openAlerts = useLive((s) => s.alerts.filter((a) => !a.acknowledged).length);
  const connected = useConnection((s) => s.connected);
  const [menu, setMenu] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  useSessionFeeds(user.role);

  // Unknown or forbidden routes land on the role's home screen (first run: the guided start).
  const allowed = route && canAccess(user.role, route.screen);
  useEffect(() => {
    if (!allowed) navigate(justSetUp && user.role === 'admin' ? { screen: 'welcome' } : homeFor(user.role), { replace: true });
  }, [allowed, justSetUp, user.role]);

  return (
    <div className="shell">
      <nav className="sidenav" aria-label={t('nav.main')}>
        <div className="brand"><span className="brand-mark" aria-hidden="true" />{t('app.name')}</div>
        <ul className="nav-list">
          {NAV_SCREENS.filter((s) => canAccess(user.role, s)).map((s) => (
            <li key={s}>
              <a href={hrefOf({ screen: s })} className="nav-link" aria-current={route?.screen === s ? 'page' : undefined} data-testid={`nav-${s}`}>
                <Icon name={ICONS[s]} />
                <span>{t(`nav.${s}`)}</span>
                {s === 'live' && openAlerts > 0 && <span className="count-pill" aria-label={t('live.openAlerts', { count: openAlerts })}>{openAlerts}</span>}
              </a>
            </li>
          ))}
        </ul>
        <div className="nav-spacer" />
        <div className={`conn conn-${connected === false ? 'down' : connected ? 'up' : 'unknown'}`} role="status" data-testid="connection-state">
          <span className="badge-dot" aria-hidden="true" />
          {connected === false ? t('conn.down') : connected ? t('conn.up') : t('conn.connecting')}
        </div>
        <div className="user-box">
          <button type="button" className="user-button" aria-expanded={menu} aria-haspopup="menu" onClick={() => setMenu(!menu)}>
            <Icon name="user" />
            <span className="user-name">{user.username}</span>
            <span className="user-role">{t(`roles.${user.role}`)}</span>
          </button>
          {menu && (
            <div className="user-menu" role="menu">
              <button type="button" role="menuitem" onClick={() => { setMenu(false); setChangingPassword(true); }}>{t('account.changePassword')}</button>
              <button type="button" role="menuitem" onClick={() => { setMenu(false); void logout(); }}><Icon name="logout" size={16} /> {t('account.signOut')}</button>
            </div>
          )}
        </div>
      </nav>
      <main className="content" id="content">
        {connected === false && <div className="banner banner-warn" role="alert">{t('conn.banner')}</div>}
        {allowed && route ? (
          <Suspense fallback={<Loading />}>
            <ScreenFor route={route} />
          </Suspense>
        ) : <Loading />}
      </main>
      {changingPassword && <ChangePasswordDialog onClose={() => setChangingPassword(false)} />}
    </div>
  );
}
