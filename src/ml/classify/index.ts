/** Binary failure classification on tabular machine records (AI4I 2020, Azure PdM benchmarks). */
export { trainClassifier, predictClassifier, CLASSIFIER_MODEL_VERSION, DEFAULT_CLASSIFIER_GBDT, type ClassifierModel, type ClassifierOptions, type ClassifierPrediction, type ClassWeight } from './model.js';
export { assertClassifierModel } from './document.js';
export { crossValidate, type CvResult, type FoldResult } from './cv.js';
export { fitEncoder, encode, type Encoder, type ColumnEncoding } from './encoder.js';
export { tableFromCsv, binaryLabels, dropColumns, selectRows, type Table, type Cell } from './table.js';
export { buildAzureTask, timeSplit, type AzureRecords, type AzureTask, type AzureTaskOptions } from './azure.js';
export { classifyCommand } from './command.js';
