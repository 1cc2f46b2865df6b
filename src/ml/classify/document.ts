/** Validation of a parsed classifier model document. */
import { assertGbdtModel, MlErrors } from '../core/index.js';
import { CLASSIFIER_MODEL_VERSION, type ClassifierModel } from './model.js';

export function assertClassifierModel(doc: unknown, where = 'model'): ClassifierModel {
  const m = doc as Partial<ClassifierModel> | null;
  if (m === null || typeof m !== 'object' || m.kind !== 'twinworks.classifier') {
    throw MlErrors.create('bad_model', `${where}: not a twinworks.classifier model`, { where });
  }
  if (m.version !== CLASSIFIER_MODEL_VERSION) {
    throw MlErrors.create('bad_model', `${where}: classifier model version ${String(m.version)}, this build reads version ${CLASSIFIER_MODEL_VERSION}`, { where, version: m.version });
  }
  if (!m.encoder || !Array.isArray(m.encoder.columns) || !m.calibrator || typeof m.threshold !== 'number') {
    throw MlErrors.create('bad_model', `${where}: classifier model lacks encoder, calibrator or threshold`, { where });
  }
  if (!Array.isArray(m.gbdt) || m.gbdt.length === 0) throw MlErrors.create('bad_model', `${where}: classifier model has no boosted models`, { where });
  if (m.combine !== undefined && m.combine !== 'raw' && m.combine !== 'probability') {
    throw MlErrors.create('bad_model', `${where}: combine must be "raw" or "probability", got ${JSON.stringify(m.combine)}`, { where });
  }
  m.gbdt.forEach((g, i) => assertGbdtModel(g, `${where}.gbdt[${i}]`));
  return m as ClassifierModel;
}
