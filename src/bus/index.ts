/**
 * The bus context's public face. Other contexts import only from here; only src/platform creates
 * an adapter.
 */
export * from './catalogue.js';
export type { BusLogger, CheckedPattern, Envelope, EnvelopeOf, EventBus, Handler, MatchingNames, PublishItem, PublishOptions, PublishReceipt, SubscribeOptions, Subscription } from './port.js';
export { DELIVERY_DEFAULTS } from './port.js';
export { BusErrors } from './errors.js';
export { createInProcessBus, DEFAULT_RETENTION, type InProcessBusOptions } from './inprocess/bus.js';
export { createNatsBus, type NatsBusOptions } from './nats/bus.js';
