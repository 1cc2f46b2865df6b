/**
 * The device hub's public face: IoT Hub-compatible ingestion (embedded MQTT broker, external broker,
 * HTTP), identity registry, SAS and X.509 authentication, the Device Provisioning Service, C2D,
 * direct methods, routing, telemetry-to-twin bindings. Only src/platform creates a hub.
 */
export { createDeviceHub, type DeviceHub, type DeviceHubOptions } from './hub.js';
export { createEmbeddedBroker, type EmbeddedBroker, type MqttAuthenticator, type BrokerHooks, type BrokerListenOptions, type BrokerPorts } from './broker.js';
export { parseHubConfig, loadHubConfig, HubConfigSchema, type HubConfig, type HubConfigInput } from './config.js';
export type { TwinUpdater } from './twins/port.js';
export { createHubCommand, type HubCliCommand, type OpenedStore } from './cli.js';
export { HubErrors } from './errors.js';
export { seriesName } from './pipeline/ingest.js';
export { signSasToken, deriveDeviceKey, generateKey } from './identity/sas.js';
