/**
 * Members of an element: the properties its material class defines in its DTDL version (from the
 * metamodel), extension properties of its co-types (./supplemental.ts), and anything else, which is an
 * error unless an undefined co-type makes the element "informally co-typed" (DTDL v3 §"DTDL element").
 */
import type { LdProperty } from '../jsonld/ld.js';
import { patternFor } from '../jsonld/context.js';
import { concreteKinds, propertyDtmi, propertyRules, supplementalLineage, versionRules, type PropertyRule } from '../metamodel/index.js';
import { toPlain } from '../json/ast.js';
import type { ElementRecord, ValueConstraint } from './model.js';
import { tryParseElement, type ParseEnv } from './element.js';
import { parseAnyLiteral, parseBoolean, parseIdentifier, parseInteger, parseString, type LiteralSite } from './literals.js';
import { parseLangString } from './langstring.js';
import { checkRequiredSupplementalProperties, tryParseSupplementalProperty } from './supplemental.js';

export function parseProperties(env: ParseEnv, rec: ElementRecord, supplementalIds: readonly string[], typesGiven: boolean): void {
  const rules = propertyRules(rec.kind, rec.version);
  const seen = new Map<string, LdProperty>();
  const supplementalSeen = new Map<string, LdProperty>();
  const { diags } = env;

  for (const prop of rec.elt.properties) {
    const rule = matchRule(rules, prop.name, rec.version);
    if (rule) {
      const loc = { path: prop.node.path, line: prop.line };
      if (seen.has(rule.name)) {
        diags.notify('duplicatePropertyName', { primaryId: rec.id, property: rule.name, ...loc });
        continue;
      }
      seen.set(rule.name, prop);
      rec.sources.set(rule.name, prop);
      // DTDL v3 §"DTDL element": the term is RECOMMENDED over the member's DTMI; commandType is deprecated.
      if (prop.name !== rule.name) diags.warn('memberNameAsDtmi', { primaryId: rec.id, property: rule.name, value: prop.name, ...loc });
      if (rule.name === 'commandType') diags.warn('deprecatedCommandType', { primaryId: rec.id, property: rule.name, ...loc });
      parseRuleValue(env, rec, rule, prop);
      continue;
    }
    if (tryParseSupplementalProperty(env, rec, supplementalIds, prop, supplementalSeen)) continue;
    if (unknownPropertyError(env, rec, prop)) continue;
    if (rec.undefinedTypes.length === 0) {
      const loc = { path: prop.node.path, line: prop.line };
      if (typesGiven) diags.notify('noTypeThatAllows', { primaryId: rec.id, property: prop.name, ...loc });
      else diags.notify('inferredTypeDoesNotAllow', { primaryId: rec.id, property: prop.name, type: rec.kind, ...loc });
      continue;
    }
    rec.undefinedProperties.set(prop.name, toPlain(prop.node));
  }

  for (const rule of rules) {
    if ((rule.minCount ?? 0) >= 1 && !seen.has(rule.name)) {
      diags.notify(rule.literal ? 'missingLiteralProperty' : 'missingObjectProperty', {
        primaryId: rec.id,
        property: rule.name,
        path: rec.elt.node.path,
        line: rec.elt.node.line,
      });
    }
  }
  checkRequiredSupplementalProperties(env, rec, supplementalIds, supplementalSeen);
}

function matchRule(rules: readonly PropertyRule[], name: string, version: number): PropertyRule | undefined {
  if (name.startsWith('dtmi:')) return rules.find((r) => propertyDtmi(r.name, version) === name);
  return rules.find((r) => r.name === name);
}

/**
 * Members that are neither defined nor extension members. DTDL v2 tolerates them only on informally
 * co-typed elements; v3 also rejects names that are DTMIs/terms irrelevant to the element, invalid DTMIs,
 * non-DTMI IRIs and undefined terms (digest `apocrypha`). Returns true when an error was reported.
 */
function unknownPropertyError(env: ParseEnv, rec: ElementRecord, prop: LdProperty): boolean {
  const ctx = rec.ctx;
  const apocrypha = versionRules(rec.version)?.apocrypha ?? {};
  const name = prop.name;
  const cat = ctx.resolveDtmi(name) !== undefined ? 'irrelevantDtmiOrTerm' : name.startsWith('dtmi:') ? 'invalidDtmi' : name.includes(':') ? 'notDtmiNorTerm' : 'undefinedTerm';
  const verdict = apocrypha[`${cat}AsProperty`] ?? 'invalid';
  if (verdict === 'valid' || (verdict === 'tenable' && !ctx.isComplete)) return false;
  const code = {
    irrelevantDtmiOrTerm: 'propertyIrrelevantDtmiOrTerm',
    invalidDtmi: 'propertyInvalidDtmi',
    notDtmiNorTerm: 'propertyNotDtmiNorTerm',
    undefinedTerm: 'propertyUndefinedTerm',
  }[cat];
  env.diags.notify(code, { primaryId: rec.id, property: name, restriction: String(rec.version), path: prop.node.path, line: prop.line });
  return true;
}

function parseRuleValue(env: ParseEnv, rec: ElementRecord, rule: PropertyRule, prop: LdProperty): void {
  const site: LiteralSite = { diags: env.diags, ctx: rec.ctx, elementId: rec.id, property: rule.name };
  const optional = (rule.minCount ?? 0) < 1;
  const strRules = { maxLength: rule.maxLength, pattern: rule.pattern ? patternFor(rule.pattern) : undefined };
  if (rule.literal) {
    let value: unknown;
    switch (rule.datatype) {
      case 'string':
        value = parseString(site, prop.values, strRules, optional);
        break;
      case 'langString':
        value = parseLangString(site, prop, rule.defaultLanguage ?? 'en', strRules);
        break;
      case 'boolean':
        value = parseBoolean(site, prop.values, optional);
        break;
      case 'integer':
        value = parseInteger(site, prop.values, { min: rule.minInclusive, max: rule.maxInclusive }, optional);
        break;
      default: {
        const lit = parseAnyLiteral(site, prop.values);
        value = lit?.value;
        if (lit) rec.literals.set(`${rule.name}#type`, lit.type);
      }
    }
    if (value !== undefined) rec.literals.set(rule.name, value);
    return;
  }
  if (rule.identifier) {
    const requireDtmi = rule.pattern?.startsWith('^dtmi:') ?? true;
    const id = parseIdentifier(site, prop.values, strRules, requireDtmi, optional);
    if (id !== undefined) rec.literals.set(rule.name, id);
    return;
  }
  parseObjectValues(env, rec, rule, prop);
}

/** An element-valued member: inline elements and references by DTMI or term. */
function parseObjectValues(env: ParseEnv, rec: ElementRecord, rule: PropertyRule, prop: LdProperty): void {
  const cls = rule.class as string;
  const { diags } = env;
  const f = { primaryId: rec.id, property: rule.name, path: prop.node.path, line: prop.line };
  const constraints = [...valueConstraintsFor(rec, rule)];
  const definedIn = env.globalize ? undefined : rec.isPartition ? rec.id : (rec.definedIn ?? rec.id);
  let count = 0;
  for (const v of prop.values) {
    if (!rule.plural && count > 0) {
      diags.notify('objectMultipleValues', f);
      return;
    }
    switch (v.kind) {
      case 'string': {
        const ref = rec.ctx.resolveDtmi(v.value);
        if (ref === undefined) {
          diags.notify('badDtmiOrTerm', { ...f, value: v.value, restriction: String(rec.version), path: v.node.path, line: v.node.line });
          break;
        }
        env.model.refs.push({
          fromId: rec.id,
          prop: rule.name,
          refId: ref,
          refString: v.value,
          source: prop,
          expectedKinds: concreteKinds(cls, rec.version),
          allowedVersions: rule.versions,
          childOf: undefined,
          keyProp: rule.dictionaryKey,
          supplemental: false,
          documentIndex: env.documentIndex,
          sourceDtmi: env.sourceDtmi,
          modelId: env.modelId,
        });
        for (const c of constraints) env.model.constraints.push({ ...c, parentId: rec.id, prop: rule.name, elementId: ref });
        count++;
        break;
      }
      case 'element': {
        const id = tryParseElement(env, {
            elt: v.element,
            ctx: rec.ctx,
            parentId: rec.id,
            definedIn,
            propName: rule.name,
            source: prop,
            dtmiSeg: rule.dtmiSegment,
            keyProp: rule.dictionaryKey,
            idRequired: rule.idRequired,
            typeRequired: rule.typeRequired,
            allowedVersions: rule.versions,
            expectedClass: cls,
          constraints,
        });
        if (id !== undefined) count++;
        break;
      }
      default:
        diags.notify('refNotStringOrObject', { ...f, path: v.node.path, line: v.node.line });
    }
  }
  if (count < (rule.minCount ?? 0)) diags.notify('objectCountBelowMin', { ...f, count1: count, count2: rule.minCount });
}

/** Constraints on the elements a member refers to: allowed values, and co-type demands (e.g. a semantic type requires a numeric schema). */
function* valueConstraintsFor(rec: ElementRecord, rule: PropertyRule): Generator<Omit<ValueConstraint, 'elementId' | 'parentId' | 'prop'>> {
  if (rule.valueUris) yield { requiredValues: rule.valueUris, requiredValuesString: (rule.values ?? rule.valueUris).join(', '), valueCode: 'incorrectPropertyValue' };
  for (const t of rec.supplementalTypes) {
    for (const st of supplementalLineage(t)) {
      for (const c of st.constraints) {
        if (c.inverse) continue;
        if (c.property === rule.name && c.requiredTypes) yield { requiredTypes: c.requiredTypes, requiredTypesString: c.requiredTypesString ?? c.requiredTypes.join(' or ') };
        if (c.property === rule.name && c.requiredValues) yield { requiredValues: c.requiredValues, requiredValuesString: c.requiredValuesString ?? c.requiredValues.join(', ') };
      }
    }
  }
}
