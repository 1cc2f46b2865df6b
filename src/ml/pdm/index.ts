/**
 * Live predictive maintenance (docs/ml-live.md): per-machine features from telemetry, calibrated
 * failure probabilities (24 h, 7 days), remaining useful life, health index, explanations and
 * maintenance recommendations; a model registry; the live scorer with its ports; the API module;
 * the `ml train` and `ml evaluate` commands.
 *
 * Wiring (src/platform; docs/ml-live.md §Wiring has the exact code):
 *   const pdm = await startLivePdm({ store, bus, reader, machines, twins, points, alerts, onError });
 *   modules: [pdm.api]; on stop: await pdm.stop()
 */
export { PdmErrors } from './errors.js';
export * from './types.js';
export { FEATURES, FEATURE_NAMES, FEATURE_COUNT, CHANNELS, ANOMALY_FIELDS, type Feature, type FeatureDescriptor } from './features/catalogue.js';
export { MachineTracker, type TrackerOptions } from './features/tracker.js';
export { DatasetBuilder, horizonLabels, rulTargets, type Dataset, type BuilderOptions } from './dataset.js';
export { trainPdm, DEFAULT_TRAIN, type TrainOptions } from './train.js';
export { DEFAULT_PDM_GBDT } from './train-parts.js';
export { assertPdmModel, warningPolicy, PDM_MODEL_VERSION, type PdmModel, type ModePart, type ClassifierPart, type RulPart, type WarningPart } from './model.js';
export { predictMachine, type MachinePrediction, type ModePrediction, type Driver } from './predict.js';
export { contributions, topDrivers, type Contributions } from './explain.js';
export { describeFeature } from './describe.js';
export { render, pickLanguage, messageKeys, LANGUAGES, type Language, type Message } from './messages.js';
export { recommend, renderRecommendation, machineLabel, type Recommendation, type Severity } from './recommend.js';
export { reliability, type ReliabilityReport, type ReliabilityBin } from './reliability.js';
export { WarningState, episodesOf, scoreWarnings, median, type Episode, type WarningPolicy, type WarningScore, type FailureEvent, type ScoredPoint } from './warnings.js';
export { ModelRegistry, type ModelSummary } from './registry.js';
export { LiveScorer, WARM_SIGNALS, type LiveScorerOptions, type MachineStatus, type TwinWriter, type PointWriter, type WarningSink } from './scorer.js';
export { connectScorer, type ConnectOptions } from './live.js';
export { trainFromHistory, datasetFromHistory, type HistoryTrainRequest } from './history-train.js';
export { startLivePdm, initialModelFrom, type LivePdm, type LivePdmDeps } from './wiring.js';
export { warningSinkFrom, PDM_ALERT_SOURCE, type ExternalAlerts } from './port-adapters.js';
export { historySourceFrom, labelSourceFrom, type PointReader, type MachineList, type HistoryAdapterOptions, type LabelAdapterOptions } from './history-adapters.js';
export { simulateHistory, recordsFromLabels, type SimHistoryOptions, type SimHistory } from './sim-data.js';
export { evaluatePdm, buildSimDataset, type EvaluateOptions, type EvaluationReport, type SimWindow } from './evaluate.js';
export { createPdmApiModule, type PdmApiDeps } from './api.js';
export { TrainWorkers, trainFromHistoryInWorker, type TrainRunOptions } from './train-runner.js';
export { runTrainJob, type TrainJob, type TrainSettings } from './train-job.js';
export { bootstrapModel, bootstrapSource, demoBootstrap, DEMO_BOOTSTRAP_DAYS, BOOTSTRAP_TRAINED_BY, type BootstrapOptions } from './bootstrap.js';
export { trainCommand, evaluateCommand } from './command.js';
export { formatReport } from './report.js';
export { inferMachineInfo } from './machines.js';
