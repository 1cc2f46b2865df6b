/**
 * Co-types (supplemental types from DTDL itself or from language extensions, e.g. semantic types of DTDL
 * v2 or of the QuantitativeTypes extension): each must be allowed on the element's material class and
 * DTDL version, may require other co-types, and two co-types must not define the same property.
 */
import type { LdElement } from '../jsonld/ld.js';
import { supplementalType } from '../metamodel/index.js';
import { termOrUri } from '../jsonld/context.js';
import type { ElementRecord } from './model.js';
import type { ParseEnv } from './element.js';

export function addSupplementalTypes(env: ParseEnv, rec: ElementRecord, ids: readonly string[], elt: LdElement): void {
  const loc = { path: elt.node.path, line: elt.node.line };
  const propertySources = new Map<string, string>();
  for (const id of ids) {
    const st = supplementalType(id);
    if (!st) continue;
    const altFound = (st.altcotypes ?? []).some((a) => ids.includes(a));
    if (!altFound && !st.cotypes.includes(rec.kind)) {
      env.diags.notify('invalidCotype', { primaryId: rec.id, type: termOrUri(id), restriction: st.cotypes.join(' or '), ...loc });
      continue;
    }
    if (!altFound && !st.cotypeVersions.includes(rec.version)) {
      env.diags.notify('invalidCotypeVersion', { primaryId: rec.id, type: termOrUri(id), restriction: st.cotypeVersions.join(' or '), ...loc });
      continue;
    }
    for (const p of st.properties) {
      const other = propertySources.get(p.id);
      if (other !== undefined && other !== id) {
        env.diags.notify('conflictingSupplementalTypes', { primaryId: rec.id, property: p.name, type: termOrUri(id), ...loc });
      } else propertySources.set(p.id, id);
    }
    rec.supplementalTypes.push(id);
    for (const required of st.cocotypes ?? []) {
      if (!ids.includes(required)) {
        env.diags.notify('missingCocotype', { primaryId: rec.id, type: termOrUri(id), restriction: termOrUri(required), ...loc });
      }
    }
    for (const banned of st.discotypes ?? []) {
      if (ids.includes(banned)) env.diags.notify('disallowedCocotype', { primaryId: rec.id, type: termOrUri(id), restriction: termOrUri(banned), ...loc });
    }
  }
}
