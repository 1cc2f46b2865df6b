/**
 * The alerts context's error catalogue. Codes are stable.
 */
import { defineErrors } from '../shared/errors.js';

export const AlertErrors = defineErrors('alerts', {
  /** details: { path, reason }: a rule document that does not follow the rule schema (docs/history.md §Alert rules). */
  invalid_rule: { kind: 'invalid', title: 'Invalid alert rule' },
  /** details: { ruleId } */
  rule_not_found: { kind: 'not_found', title: 'No such alert rule' },
  /** details: { ruleId }: a rule with this id exists already. */
  rule_exists: { kind: 'conflict', title: 'Alert rule exists' },
  /** details: { alertId } */
  alert_not_found: { kind: 'not_found', title: 'No such alert' },
  /** details: { alertId, state, wanted }: e.g. acknowledging a resolved alert. */
  invalid_transition: { kind: 'conflict', title: 'The alert is not in a state that allows this' },
  /** details: { field, reason }: what another context passed to raiseExternal does not follow ExternalAlertInput. */
  invalid_external_alert: { kind: 'invalid', title: 'Invalid external alert' },
  /** details: { field, reason }: a malformed alert history query. */
  invalid_query: { kind: 'invalid', title: 'Invalid alert query' },
});
