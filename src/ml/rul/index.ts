/** Remaining useful life from run-to-failure histories (C-MAPSS benchmark). */
export type { EngineHistory } from './types.js';
export { trainRul, predictRul, predictRulSeries, buildFeatures, RUL_MODEL_VERSION, DEFAULT_RUL_GBDT, DEFAULT_RUL_MLP, type RulModel, type RulTrainOptions } from './model.js';
export { assertRulModel } from './document.js';
export { parseCmapss, parseRulTruth, CMAPSS_SENSOR_NAMES, CMAPSS_SETTING_NAMES } from './cmapss.js';
export { fitConditions, conditionOf, type ConditionModel } from './conditions.js';
export { DEFAULT_FEATURE_SPEC, featureNames, type FeatureSpec } from './features.js';
export { rulCommand } from './command.js';
