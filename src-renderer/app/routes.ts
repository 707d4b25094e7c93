// Hash routes (#/live/cam1, #/people/p42, #/settings/users) and which roles may open each screen.
import type { Role } from '../../src-contract/schemas.ts';

export type Screen = 'live' | 'events' | 'people' | 'attendance' | 'cameras' | 'settings' | 'audit' | 'welcome';
export const SETTINGS_TABS = ['system', 'recognition', 'users', 'tokens'] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];
export const ATTENDANCE_TABS = ['day', 'report', 'shifts'] as const;
export type AttendanceTab = (typeof ATTENDANCE_TABS)[number];

export interface Route { screen: Screen; id?: string }

/** Screens in navigation order. */
export const NAV_SCREENS: Exclude<Screen, 'welcome'>[] = ['live', 'events', 'people', 'attendance', 'cameras', 'settings', 'audit'];

const ACCESS: Record<Screen, Role[]> = {
  live: ['admin', 'guard'],
  events: ['admin', 'guard'],
  people: ['admin'],
  attendance: ['admin'],
  cameras: ['admin'],
  settings: ['admin'],
  audit: ['admin', 'auditor'],
  welcome: ['admin'],
};

export function canAccess(role: Role, screen: Screen): boolean {
  return ACCESS[screen].includes(role);
}

export function homeFor(role: Role): Route {
  return role === 'auditor' ? { screen: 'audit' } : { screen: 'live' };
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function parseHash(hash: string): Route | null {
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
  const [screen, id] = parts;
  if (!screen) return null;
  if (!(NAV_SCREENS as string[]).includes(screen) && screen !== 'welcome') return null;
  if (id !== undefined && !ID.test(id)) return { screen: screen as Screen };
  return id === undefined ? { screen: screen as Screen } : { screen: screen as Screen, id };
}

export function hrefOf(route: Route): string {
  return `#/${route.screen}${route.id ? `/${encodeURIComponent(route.id)}` : ''}`;
}
