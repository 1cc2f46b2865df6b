/**
 * The platform's role → permission table as the app needs it to decide which controls to show.
 * It mirrors src/auth/roles.ts (a test in src/web checks that the two agree); the API enforces the
 * real table whatever the app shows.
 */
export type Role = 'admin' | 'engineer' | 'operator' | 'technician' | 'viewer';

export const PERMISSIONS = {
  'platform.read': ['admin', 'engineer', 'operator', 'technician', 'viewer'],
  'twins.write': ['admin', 'engineer'],
  'commands.invoke': ['admin', 'engineer', 'operator'],
  'alerts.respond': ['admin', 'engineer', 'operator', 'technician'],
  'maintenance.write': ['admin', 'engineer', 'technician'],
} as const satisfies Record<string, readonly Role[]>;

export type AppPermission = keyof typeof PERMISSIONS;

export function can(roles: readonly string[], permission: AppPermission): boolean {
  const allowed: readonly string[] = PERMISSIONS[permission];
  return roles.some((r) => allowed.includes(r));
}

export type ViewName = 'factory' | 'line' | 'maintenance' | 'executive' | 'explorer' | 'history';
export const VIEWS: readonly ViewName[] = ['factory', 'line', 'maintenance', 'executive', 'explorer', 'history'];

/**
 * Views by role: what each role sees first and which views its navigation offers. Every role may
 * read every view's data; the lists keep each screen set to what that job uses.
 */
export const VIEWS_BY_ROLE: Readonly<Record<Role, readonly ViewName[]>> = {
  operator: ['factory', 'line', 'maintenance', 'history'],
  technician: ['maintenance', 'factory', 'line', 'history'],
  engineer: ['factory', 'line', 'maintenance', 'explorer', 'history', 'executive'],
  admin: ['factory', 'line', 'maintenance', 'executive', 'explorer', 'history'],
  viewer: ['executive', 'factory', 'line', 'history'],
};

/** The union of the roles' views, in the order of the first role that lists each. */
export function viewsFor(roles: readonly string[]): ViewName[] {
  const out: ViewName[] = [];
  const known = roles.filter((r): r is Role => Object.hasOwn(VIEWS_BY_ROLE, r));
  // The landing view comes from the most hands-on role: operator first, viewer last.
  const order: Role[] = ['operator', 'technician', 'engineer', 'admin', 'viewer'];
  for (const role of order) if (known.includes(role)) for (const v of VIEWS_BY_ROLE[role]) if (!out.includes(v)) out.push(v);
  return out;
}
