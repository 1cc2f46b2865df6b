/**
 * The alerts context: rules over telemetry and twin properties, the alert lifecycle, notifications.
 * See docs/history.md §Alerts.
 */
export { AlertErrors } from './errors.js';
export { AlertService, type AlertServiceOptions } from './service.js';
export { alertsApi } from './api.js';
export { RuleEngine, type Transition } from './engine.js';
export { AlertManager, type AlertManagerOptions } from './lifecycle.js';
export { MemoryAlertStore, ALERT_STATES, type Alert, type AlertQuery, type AlertStore, type AlertEvent, type AlertSink, type AlertState, type AlertHistoryEntry, type ExternalOrigin } from './model.js';
export { StorageAlertStore, RuleStore } from './store.js';
export { AlertStream, busSink, webhookSink, twinSink, type WebhookConfig, type WebhookOptions } from './notify.js';
export { parseRule, ruleToDocument, ruleSchema, type RuleDocument } from './rules/schema.js';
export { SEVERITIES, type AlertRule, type Condition, type RuleScope, type Severity } from './rules/ast.js';
export { DEFAULT_RULES } from './defaults.js';
export { parseExternal, EXTERNAL_RULE_PREFIX, type ExternalAlertInput } from './external.js';
