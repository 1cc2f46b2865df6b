export { createEmbeddedBroker, type EmbeddedBroker, type MqttAuthenticator } from './broker.js';
