/**
 * The device hub's public face: IoT Hub-compatible ingestion, registry, provisioning, commands,
 * routing and twin bindings. Only src/platform creates a hub; other contexts use the types.
 */
export { createEmbeddedBroker, type EmbeddedBroker, type MqttAuthenticator, type BrokerListenOptions, type BrokerPorts } from './broker.js';
export { assembleHub as createDeviceHub, type DeviceHub, type DeviceHubOptions } from './hub.js';
export { parseHubConfig, loadHubConfig, HubConfigSchema, type HubConfig, type HubConfigInput } from './config.js';
export type { TwinUpdater } from './twins/port.js';
export { HubErrors } from './errors.js';
export { signSasToken, deriveDeviceKey, generateKey } from './identity/sas.js';
