/**
 * The factory simulator context. Other contexts import only from here.
 *
 *   const plant = createPlant(demoPlant(), { seed: 42, start: '2026-01-01T00:00:00Z' });
 *   plant.advanceTo(Date.parse('2026-01-02T00:00:00Z'), (msg) => …);
 *
 *   const sim = runSimulator({ mqtt: { url, dps: { idScope, groupKey } } }); … await sim.stop();
 */
export { SimErrors } from './errors.js';
export { createPlant, Plant, type PlantOptions, type DeviceInfo } from './engine/plant.js';
export {
  demoPlant, generatedPlant, parsePlantDescription, validatePlant, deviceIds, STANDARD_FLOW,
  type PlantConfig, type LineConfig, type MachineConfig, type DeviceSlot,
} from './engine/config.js';
export { DEFAULT_CALENDAR, ShiftCalendar, type CalendarConfig, type CalendarStatus, type PlannedStatus } from './engine/calendar.js';
export { MACHINE_TYPES, FAILURE_MODES, PROFILES, type MachineType, type FailureMode, type MachineProfile } from './engine/machine-types.js';
export { MACHINE_STATES, type MachineState, type Telemetry, type TelemetryMessage } from './engine/telemetry.js';
export { LABEL_KINDS, type Label, type LabelKind, type LabelListener } from './engine/labels.js';
export { DIRECT_METHODS, WRITABLE_PROPERTIES, SimDevice, type MethodResult, type WritableAck } from './engine/device.js';
export { runSimulator, type SimulatorOptions, type SimulatorHandle, type SimulatorStats } from './runner.js';
export type { MqttTarget } from './fleet-setup.js';
export type { FleetStats } from './transport/fleet.js';
export { sasToken, deviceSasToken, dpsSasToken, deriveDeviceKey } from './transport/sas.js';
export { simulateCommand } from './command.js';
