/** Validation of a parsed RUL model document (kind, version, nested member models). */
import { assertGbdtModel, assertMlpModel, MlErrors } from '../core/index.js';
import { RUL_MODEL_VERSION, type RulModel } from './model.js';

export function assertRulModel(doc: unknown, where = 'model'): RulModel {
  const m = doc as Partial<RulModel> | null;
  if (m === null || typeof m !== 'object' || m.kind !== 'twinworks.rul') {
    throw MlErrors.create('bad_model', `${where}: not a twinworks.rul model (kind is ${JSON.stringify((m as { kind?: unknown } | null)?.kind)})`, { where });
  }
  if (m.version !== RUL_MODEL_VERSION) {
    throw MlErrors.create('bad_model', `${where}: RUL model version ${String(m.version)}, this build reads version ${RUL_MODEL_VERSION}`, { where, version: m.version });
  }
  if (typeof m.cap !== 'number' || !m.conditions || !m.normaliser || !m.features || !Array.isArray(m.gbdt) || !Array.isArray(m.mlp)) {
    throw MlErrors.create('bad_model', `${where}: RUL model is missing cap, conditions, normaliser, features or members`, { where });
  }
  m.gbdt.forEach((g, i) => assertGbdtModel(g, `${where}.gbdt[${i}]`));
  m.mlp.forEach((g, i) => assertMlpModel(g, `${where}.mlp[${i}]`));
  if (m.gbdt.length + m.mlp.length === 0) throw MlErrors.create('bad_model', `${where}: RUL model has no members`, { where });
  return m as RulModel;
}
