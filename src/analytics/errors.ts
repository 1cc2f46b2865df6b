/**
 * The analytics context's error catalogue (OEE and KPIs). Codes are stable.
 */
import { defineErrors } from '../shared/errors.js';

export const AnalyticsErrors = defineErrors('analytics', {
  /** details: { field, reason }: a malformed OEE request (window, scope, configuration). */
  invalid_request: { kind: 'invalid', title: 'Invalid analytics request' },
  /** details: { twinId, property }: a machine has no ideal cycle time, so Performance is undefined. */
  missing_ideal_cycle_time: { kind: 'invalid', title: 'Machine has no ideal cycle time' },
  /** details: { scope }: the scope resolved to no machine. */
  empty_scope: { kind: 'not_found', title: 'No machine in scope' },
  /** details: { reason }: the twin graph is needed (scopes, live values) but not wired. */
  graph_unavailable: { kind: 'unavailable', title: 'Twin graph unavailable' },
});
