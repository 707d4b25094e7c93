// A tiny hash router: the current route in a zustand store, kept in sync with location.hash.
import { create } from 'zustand';
import { hrefOf, parseHash } from './routes.ts';
import type { Route } from './routes.ts';

interface RouterState {
  route: Route | null;
  navigate(route: Route, opts?: { replace?: boolean }): void;
}

export const useRouter = create<RouterState>((set) => ({
  route: parseHash(globalThis.location?.hash ?? ''),
  navigate(route, opts) {
    const href = hrefOf(route);
    if (opts?.replace) history.replaceState(null, '', href);
    else if (location.hash !== href) history.pushState(null, '', href);
    set({ route });
  },
}));

export function navigate(route: Route, opts?: { replace?: boolean }): void {
  useRouter.getState().navigate(route, opts);
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => useRouter.setState({ route: parseHash(location.hash) }));
  window.addEventListener('hashchange', () => useRouter.setState({ route: parseHash(location.hash) }));
}
