/**
 * Extension members: properties that co-types add to an element (e.g. `unit` of a semantic type,
 * `annotates` of ValueAnnotation, `overrides` of Override, `ttl` of MQTT Cacheable). Matched by the DTMI
 * their name resolves to in the active context.
 */
import type { LdProperty } from '../jsonld/ld.js';
import { patternFor, termOrUri } from '../jsonld/context.js';
import { concreteKinds, supplementalLineage, supplementalType, type SupplementalPropertyRule } from '../metamodel/index.js';
import type { ElementRecord } from './model.js';
import type { ParseEnv } from './element.js';
import { parseBoolean, parseIdentifier, parseInteger, parseNumeric, parseString, type LiteralSite } from './literals.js';
import { parseLangString } from './langstring.js';
import { DURATION } from './duration.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

function findRule(ids: readonly string[], propId: string): SupplementalPropertyRule | undefined {
  for (const id of ids) {
    for (const t of supplementalLineage(id)) {
      const p = t.properties.find((x) => x.id === propId);
      if (p) return p;
    }
  }
  return undefined;
}

export function tryParseSupplementalProperty(
  env: ParseEnv,
  rec: ElementRecord,
  ids: readonly string[],
  prop: LdProperty,
  seen: Map<string, LdProperty>,
): boolean {
  if (ids.length === 0) return false;
  const propId = rec.ctx.resolveDtmi(prop.name);
  if (propId === undefined) return false;
  const rule = findRule(ids, propId);
  if (!rule) return false;
  const loc = { path: prop.node.path, line: prop.line };
  if (seen.has(propId)) {
    env.diags.notify('duplicatePropertyName', { primaryId: rec.id, property: termOrUri(propId), ...loc });
    return true;
  }
  seen.set(propId, prop);
  rec.sources.set(propId, prop);
  const site: LiteralSite = { diags: env.diags, ctx: rec.ctx, elementId: rec.id, property: propId };
  const optional = rule.optional;
  const strRules = { pattern: rule.pattern ? patternFor(rule.pattern) : undefined };
  const type = rule.type;
  if (type === undefined) {
    const requireDtmi = rule.pattern?.startsWith('^dtmi:') ?? false;
    const v = parseIdentifier(site, prop.values, strRules, requireDtmi, optional);
    if (v !== undefined) rec.supplemental.set(propId, v);
    return true;
  }
  if (type.startsWith('dtmi:')) {
    parseSupplementalObjects(env, rec, rule, prop);
    return true;
  }
  let value: unknown;
  switch (type.startsWith(XSD) ? type.slice(XSD.length) : type) {
    case 'string':
      value = parseString(site, prop.values, strRules, optional);
      break;
    case 'boolean':
      value = parseBoolean(site, prop.values, optional);
      break;
    case 'integer':
      value = parseInteger(site, prop.values, { min: rule.minInclusive, max: rule.maxInclusive }, optional);
      break;
    case 'decimal':
    case 'double':
      value = parseNumeric(site, prop.values, { min: rule.minInclusive, max: rule.maxInclusive }, optional);
      break;
    case 'duration': {
      const s = parseString({ ...site, diags: env.diags }, prop.values, {}, optional);
      if (s !== undefined && !DURATION.test(s)) env.diags.notify('durationInvalid', { primaryId: rec.id, property: propId, value: s, ...loc });
      value = s;
      break;
    }
    case 'langString':
    case 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString':
      value = parseLangString(site, prop, rule.defaultLanguage ?? 'en', strRules);
      break;
    default:
      value = undefined;
  }
  if (value !== undefined) rec.supplemental.set(propId, value);
  return true;
}

function parseSupplementalObjects(env: ParseEnv, rec: ElementRecord, rule: SupplementalPropertyRule, prop: LdProperty): void {
  const type = rule.type as string;
  const f = { primaryId: rec.id, property: termOrUri(rule.id), path: prop.node.path, line: prop.line };
  const materialClass = /^dtmi:dtdl:class:([A-Za-z]+);\d+$/.exec(type)?.[1];
  let count = 0;
  for (const v of prop.values) {
    if (!rule.plural && count > 0) {
      env.diags.notify('objectMultipleValues', f);
      return;
    }
    if (v.kind === 'string') {
      const ref = rec.ctx.resolveDtmi(v.value);
      if (ref === undefined) {
        env.diags.notify('badDtmiOrTerm', { ...f, value: v.value, path: v.node.path, line: v.node.line });
        continue;
      }
      env.model.refs.push({
        fromId: rec.id,
        prop: rule.id,
        refId: ref,
        refString: v.value,
        source: prop,
        // A class-typed extension member (e.g. QuantitativeTypes `unit`, an EnumValue) must name an
        // element of that class; a unit of the right unit type is then checked through `childOf`.
        expectedKinds: materialClass && !rule.childOf ? concreteKinds(materialClass, rec.version) : undefined,
        allowedVersions: undefined,
        childOf: rule.childOf,
        keyProp: undefined,
        supplemental: true,
        documentIndex: env.documentIndex,
        sourceDtmi: env.sourceDtmi,
        modelId: env.modelId,
      });
      if (!materialClass) env.model.constraints.push({ parentId: rec.id, prop: rule.id, elementId: ref, requiredTypes: [type], requiredTypesString: rule.typeName ?? termOrUri(type) });
      const list = (rec.supplemental.get(rule.id) as string[] | undefined) ?? [];
      list.push(ref);
      rec.supplemental.set(rule.id, list);
      count++;
    } else if (v.kind === 'element') {
      env.diags.notify('refObjectNotAllowed', { ...f, path: v.node.path, line: v.node.line });
    } else {
      env.diags.notify('refNotStringOrObject', { ...f, path: v.node.path, line: v.node.line });
    }
  }
  if (count < (rule.minCount ?? 0)) env.diags.notify('objectCountBelowMin', { ...f, count1: count, count2: rule.minCount });
}

/** A co-type's required extension members must be present (reported at once, as the reference parser does). */
export function checkRequiredSupplementalProperties(env: ParseEnv, rec: ElementRecord, ids: readonly string[], seen: Map<string, LdProperty>): void {
  for (const id of ids) {
    const st = supplementalType(id);
    if (!st) continue;
    for (const p of st.properties) {
      if (p.optional || seen.has(p.id)) continue;
      const code = p.type === undefined ? 'missingSupplementalIdentifierProperty' : p.type.startsWith('dtmi:') ? 'missingSupplementalObjectProperty' : 'missingSupplementalLiteralProperty';
      env.diags.quit(code, { primaryId: rec.id, property: p.name, type: termOrUri(id), path: rec.elt.node.path, line: rec.elt.node.line });
    }
  }
}
