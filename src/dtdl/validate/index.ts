/** Whole-model validation passes, run after references are linked. */
import type { Diagnostics } from '../diagnostics.js';
import type { WorkingModel } from '../parser/model.js';
import { checkMembers } from './members.js';
import { checkDescendants } from './descendants.js';
import { InterfaceChecks } from './interfaces.js';
import { checkSiblings } from './siblings.js';

export { InterfaceChecks };

export function runValidationPasses(model: WorkingModel, diags: Diagnostics): void {
  const interfaces = new InterfaceChecks(model, diags);
  for (const rec of model.elements.values()) {
    if (rec.standard) continue;
    const saved = diags.scope;
    diags.scope = {
      ...(rec.documentIndex !== undefined ? { documentIndex: rec.documentIndex } : {}),
      ...(rec.sourceDtmi ? { sourceDtmi: rec.sourceDtmi } : {}),
      ...(rec.modelId ? { modelId: rec.modelId } : {}),
    };
    checkMembers(model, rec, diags);
    checkDescendants(model, rec, diags);
    interfaces.check(rec);
    checkSiblings(model, rec, diags, interfaces);
    diags.scope = saved;
  }
}
