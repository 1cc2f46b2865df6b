/**
 * The analytics context: OEE and KPIs over the history (docs/history.md §OEE). Pure engine in
 * oee/, query layer in service.ts, live twin values in live.ts, HTTP in api.ts.
 */
export { AnalyticsErrors } from './errors.js';
export { computeMachineOee, stateSpans, type MachineInputs, type OeeOptions, type OeeResult, type OeeTotals, type SixLosses, type DowntimeEntry, type StateSample } from './oee/machine.js';
export { counterEvents, countIn, type CounterMode, type CountEvent } from './oee/counters.js';
export { lineOee, rollup, type RollupResult } from './oee/rollup.js';
export { plantModelFromReader, DEMO_PLANT_IDS, type PlantModel, type PlantModelIds, type UnitKind } from './plant.js';
export { OeeService, DEFAULT_SIGNALS, type OeeServiceOptions, type OeeSignals, type OeeTarget, type UnitResult } from './service.js';
export { LiveOee, LIVE_PROPERTIES, type LiveOeeOptions } from './live.js';
export { analyticsApi, type AnalyticsApiOptions } from './api.js';
