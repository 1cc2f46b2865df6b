import type { ViewName } from '../auth/permissions.js';
import type { MountView } from './context.js';

/** Each view is its own chunk, fetched when first shown (the 3D view carries three.js). */
export const VIEW_LOADERS: Readonly<Record<ViewName, () => Promise<{ mount: MountView }>>> = {
  factory: () => import('../views/factory/factory.js'),
  line: () => import('../views/line.js'),
  maintenance: () => import('../views/maintenance.js'),
  executive: () => import('../views/executive.js'),
  explorer: () => import('../views/explorer.js'),
  history: () => import('../views/history.js'),
};

/** `/line?id=LINE-2` → view 'line'; unknown paths → undefined (the landing view). */
export function viewOfPath(pathname: string): ViewName | 'login' | undefined {
  const first = pathname.split('/').filter(Boolean)[0] ?? '';
  if (first === 'login') return 'login';
  return Object.hasOwn(VIEW_LOADERS, first) ? (first as ViewName) : undefined;
}
