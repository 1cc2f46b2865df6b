/** Sibling constraints of extension co-types (Annotation `annotates`, Overriding `overrides`). */
import type { Diagnostics } from '../diagnostics.js';
import type { ElementRecord, WorkingModel } from '../parser/model.js';
import type { InterfaceChecks } from './interfaces.js';

export function checkSiblings(model: WorkingModel, rec: ElementRecord, diags: Diagnostics, interfaces: InterfaceChecks): void {
  void model;
  void rec;
  void diags;
  void interfaces;
}
