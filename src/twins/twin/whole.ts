/**
 * Re-validation of a whole existing twin against a (new) model: what a `$metadata/$model` patch
 * needs (ADT: "Updates to property values and $model elements may happen in the same request").
 */
import type { ModelInfo } from '../models/model-info.js';
import { escapePointer, type ValueProblem } from '../models/values.js';
import { checkComponent, checkProperty, type ModelLookup } from './content.js';

export function checkWholeTwin(doc: Record<string, unknown>, model: ModelInfo, models: ModelLookup, problems: ValueProblem[]): void {
  const present = new Set<string>();
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('$')) continue;
    present.add(key);
    const path = `/${escapePointer(key)}`;
    if (model.components.has(key)) checkComponent(models, model, key, value, path, problems);
    else checkProperty(model, key, value, path, problems);
  }
  for (const name of model.components.keys()) {
    if (!present.has(name)) problems.push({ path: `/${escapePointer(name)}`, message: `component '${name}' of ${model.id} must be added with the model change` });
  }
}
