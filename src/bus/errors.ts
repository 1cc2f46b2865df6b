import { defineErrors } from '../shared/errors.js';

/** Stable codes of the bus context (`bus.<code>`); never rename one. */
export const BusErrors = defineErrors('bus', {
  invalid_subject: { kind: 'invalid', title: 'An event name, subscription pattern or key is not valid' },
  unknown_event: { kind: 'invalid', title: 'The event name is not in the event catalogue' },
  invalid_payload: { kind: 'invalid', title: 'The event payload cannot be serialised as JSON' },
  invalid_options: { kind: 'invalid', title: 'A publish or subscribe option is not allowed' },
  consumer_conflict: { kind: 'conflict', title: 'A durable consumer exists with a different pattern' },
  publish_failed: { kind: 'internal', title: 'The bus refused the event' },
  unavailable: { kind: 'unavailable', title: 'The message broker cannot be reached' },
  closed: { kind: 'unavailable', title: 'The bus has been closed' },
});
