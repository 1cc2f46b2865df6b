/**
 * Roles and what they may do, in one table. Routes declare a permission; nothing else in the
 * code base compares role names.
 */
export const ROLES = ['admin', 'engineer', 'operator', 'technician', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(s: unknown): s is Role {
  return typeof s === 'string' && (ROLES as readonly string[]).includes(s);
}

const ALL: readonly Role[] = ROLES;
const STAFF: readonly Role[] = ['admin', 'engineer', 'operator', 'technician'];

export const PERMISSIONS = {
  /** Read twins, models, history, dashboards, alerts. */
  'platform.read': ALL,
  /** Prometheus scrape. */
  'metrics.read': ALL,
  /** Own API keys. */
  'apikeys.own': STAFF,
  /** Users and everybody's keys. */
  'users.manage': ['admin'],
  /** Upload/delete DTDL models, event routes, bindings, alert rules. */
  'models.write': ['admin', 'engineer'],
  /** Create, patch, delete twins and relationships. */
  'twins.write': ['admin', 'engineer'],
  /** Device registry, enrollments, keys. */
  'devices.manage': ['admin', 'engineer'],
  /** Commands to machines (emergency stop, set speed). */
  'commands.invoke': ['admin', 'engineer', 'operator'],
  /** Acknowledge and resolve alerts. */
  'alerts.respond': ['admin', 'engineer', 'operator', 'technician'],
  /** Alert rules. */
  'alerts.configure': ['admin', 'engineer'],
  /** Work orders and maintenance records. */
  'maintenance.write': ['admin', 'engineer', 'technician'],
  /** Train and promote models. */
  'ml.manage': ['admin', 'engineer'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermission(s: unknown): s is Permission {
  return typeof s === 'string' && Object.hasOwn(PERMISSIONS, s);
}

export function rolesAllow(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((r) => allowed.includes(r));
}
