/**
 * Parsing of one DTDL element (a JSON object) against the class expected where it appears: identifier,
 * `@type` (one material class plus co-types), then its members (./properties.ts). Mirrors the element
 * rules of DTDL v2/v3 §"DTDL element" and §"Digital Twin Model Identifier".
 */
import { childId, fragmentless, parseDtmi } from '../dtmi.js';
import type { ActiveContext } from '../jsonld/context.js';
import { patternFor } from '../jsonld/context.js';
import type { LdElement, LdProperty } from '../jsonld/ld.js';
import { classDtmi, concreteKinds, definableKinds, extensibleKinds, isMaterialTypeName, isPartitionClass, supplementalType, versionRules } from '../metamodel/index.js';
import type { ElementRecord, ValueConstraint, WorkingModel } from './model.js';
import type { Diagnostics } from '../diagnostics.js';
import { parseAnyLiteral } from './literals.js';
import { SilentDiagnostics } from '../diagnostics.js';
import { parseProperties } from './properties.js';
import { addSupplementalTypes } from './cotypes.js';

export interface ParseEnv {
  readonly model: WorkingModel;
  readonly diags: Diagnostics;
  readonly allowReservedIds: boolean;
  /** TolerateSolecisms quirk (applies to DTDL v2 only, as in the reference parser). */
  readonly tolerateSolecisms: boolean;
  readonly standard: boolean;
  /** Treat nested definitions as global (no partitions): used for the standard elements. */
  readonly globalize: boolean;
  readonly documentIndex: number | undefined;
  readonly sourceDtmi: string | undefined;
  modelId: string | undefined;
}

export interface ElementSite {
  readonly elt: LdElement;
  readonly ctx: ActiveContext;
  readonly parentId: string | undefined;
  readonly definedIn: string | undefined;
  readonly propName: string | undefined;
  readonly source: LdProperty | undefined;
  readonly dtmiSeg: string | undefined;
  readonly keyProp: string | undefined;
  readonly idRequired: boolean;
  readonly typeRequired: boolean;
  readonly allowedVersions: readonly number[] | undefined;
  /** Class expected here (e.g. `Schema`, `Content`, `Entity` at top level). */
  readonly expectedClass: string;
  readonly constraints: readonly Omit<ValueConstraint, 'elementId' | 'parentId' | 'prop'>[] | undefined;
}

const where = (n: { node: { path: string; line: number } }) => ({ path: n.node.path, line: n.node.line });

/** Parses an element; returns its id, or undefined when it could not be parsed. */
export function tryParseElement(env: ParseEnv, site: ElementSite): string | undefined {
  const { diags } = env;
  const { elt } = site;
  const ctx = site.ctx.child(elt, diags);
  const v2Solecisms = env.tolerateSolecisms && site.ctx.version < 3;
  const loc = where(elt);

  if (elt.propertyCount === 1 && elt.id !== undefined) {
    if (v2Solecisms && site.parentId) {
      const ref = ctx.resolveDtmi(elt.id);
      if (ref !== undefined) {
        addRef(env, site, ref, elt.id);
        return ref;
      }
      diags.notify('idRefBadDtmiOrTerm', { primaryId: site.parentId, property: site.propName, value: elt.id, ...loc });
      return undefined;
    }
    diags.notify('idReference', { primaryId: site.parentId, property: site.propName, value: elt.id, ...loc });
    return undefined;
  }
  if (elt.graph) diags.notify('graphDisallowed', { primaryId: site.parentId, property: site.propName, ...loc });
  if (ctx.restrictKeywords) {
    if (elt.language !== undefined) diags.notify('keywordDisallowed', { primaryId: site.parentId, property: site.propName, value: '@language', ...loc });
    if (elt.value !== undefined) diags.notify('keywordDisallowed', { primaryId: site.parentId, property: site.propName, value: '@value', ...loc });
    for (const k of elt.keywords) diags.notify('keywordDisallowed', { primaryId: site.parentId, property: site.propName, value: k, ...loc });
  }
  if (site.allowedVersions && !site.allowedVersions.includes(ctx.version)) {
    diags.notify('disallowedVersionDefinition', { primaryId: site.parentId, property: site.propName, value: String(ctx.version), ...loc });
  }

  const id = parseIdProperty(env, site, ctx, env.allowReservedIds || v2Solecisms);
  const existing = env.model.get(id);
  if (existing) {
    const reserved = parseDtmi(id)?.isReserved ?? false;
    if (!reserved) diags.notify('duplicateDefinition', { primaryId: id, ...loc });
    else if (!v2Solecisms && site.dtmiSeg) {
      diags.notify('nonUniquePropertyValue', { primaryId: site.parentId, property: site.propName, auxProperty: site.dtmiSeg, ...loc });
    }
    return undefined;
  }
  if (site.typeRequired && !elt.types) {
    diags.notify('badType', { primaryId: site.parentId, property: site.propName, secondaryId: id, ...loc });
    return undefined;
  }

  const typed = parseTypes(env, site, ctx, id, elt.types ?? [site.expectedClass]);
  if (!typed) return undefined;

  const rec: ElementRecord = {
    id,
    kind: typed.kind,
    version: ctx.version,
    parentId: site.parentId,
    propName: site.propName,
    definedIn: site.definedIn,
    isPartition: isPartitionClass(typed.kind),
    elt,
    ctx,
    documentIndex: env.documentIndex,
    sourceDtmi: env.sourceDtmi,
    modelId: env.modelId,
    standard: env.standard,
    extensionType: typed.extensionType,
    supplementalTypes: [...typed.extensionTypes],
    undefinedTypes: typed.undefinedTypes,
    literals: new Map(),
    objects: new Map(),
    supplemental: new Map(),
    undefinedProperties: new Map(),
    sources: new Map(),
  };
  addSupplementalTypes(env, rec, typed.supplementalTypes, elt);
  parseProperties(env, rec, typed.supplementalTypes, elt.types !== undefined);
  // Registered after its members, as the reference parser does (a nested duplicate of the same id is
  // then replaced rather than reported).
  env.model.elements.set(id, rec);
  if (site.parentId !== undefined) addRef(env, site, id, undefined);
  return id;
}

function addRef(env: ParseEnv, site: ElementSite, refId: string, refString: string | undefined): void {
  const parentVersion = site.ctx.version;
  env.model.refs.push({
    fromId: site.parentId as string,
    prop: site.propName as string,
    refId,
    refString,
    source: site.source,
    expectedKinds: refString !== undefined ? concreteKinds(site.expectedClass, parentVersion) : undefined,
    allowedVersions: refString !== undefined ? site.allowedVersions : undefined,
    childOf: undefined,
    keyProp: site.keyProp,
    supplemental: false,
    documentIndex: env.documentIndex,
    sourceDtmi: env.sourceDtmi,
    modelId: env.modelId,
  });
  for (const c of site.constraints ?? []) env.model.constraints.push({ ...c, parentId: site.parentId as string, prop: site.propName as string, elementId: refId });
}

/** DTDL v3 §"Digital Twin Model Identifier" and "Automatic Identifier Assignment". */
function parseIdProperty(env: ParseEnv, site: ElementSite, ctx: ActiveContext, allowReserved: boolean): string {
  const { diags } = env;
  const { elt } = site;
  const loc = where(elt);
  if (elt.id !== undefined) {
    if (elt.id === '') diags.quit('idNotString', loc);
    const rules = versionRules(ctx.version);
    if (rules) {
      if (elt.id.length > rules.idDefinition.maxLength) diags.quit('idTooLong', { ...loc, value: elt.id, count2: rules.idDefinition.maxLength });
      if (!patternFor(rules.idDefinition.pattern).test(elt.id)) diags.quit('invalidId', { ...loc, value: elt.id, restriction: String(ctx.version) });
    }
    if (!allowReserved && ctx.isReserved(elt.id)) diags.quit('reservedId', { ...loc, value: elt.id, restriction: ctx.reservedPrefixes().join(', ') });
    return elt.id;
  }
  if (site.idRequired) {
    if (site.parentId === undefined) diags.quit('missingTopLevelId', loc);
    diags.quit('missingRequiredId', { ...loc, primaryId: site.parentId, property: site.propName });
  }
  const parentId = site.parentId as string;
  let secondSeg = '';
  if (site.dtmiSeg) {
    const segDtmi = `dtmi:dtdl:property:${site.dtmiSeg};`;
    const segProp = elt.properties.find((p) => p.name === site.dtmiSeg || (p.name.startsWith(segDtmi) && parseDtmi(p.name) !== undefined));
    if (!segProp) return diags.quit('missingDtmiSegPropertyValue', { ...loc, primaryId: parentId, property: site.propName, value: site.dtmiSeg });
    const lit = parseAnyLiteral({ diags: new SilentDiagnostics(), ctx, elementId: undefined, property: site.dtmiSeg }, segProp.values);
    if (lit?.type === 'string') secondSeg = `:__${lit.value as string}`;
    else if (lit?.type === 'integer') secondSeg = `:__${lit.value as number}`;
    else if (lit?.type === 'decimal') secondSeg = `:__${String(lit.value).replace('.', '_')}`;
    else diags.quit('dtmiSegPropertyNotStringOrNumber', { ...loc, primaryId: parentId, property: site.propName, value: site.dtmiSeg });
  }
  return childId(parentId, site.propName as string, secondSeg);
}

interface TypedElement {
  kind: string;
  extensionType: string | undefined;
  /** Extension types that made the element (Unit etc.): recorded without co-type checks. */
  extensionTypes: string[];
  supplementalTypes: string[];
  undefinedTypes: string[];
}

/** `@type`: exactly one material class allowed here, plus co-types (DTDL v3 §"DTDL element" @type rules). */
function parseTypes(env: ParseEnv, site: ElementSite, ctx: ActiveContext, id: string, types: readonly (string | null)[]): TypedElement | undefined {
  const { diags } = env;
  const { elt } = site;
  const version = ctx.version;
  const loc = where(elt);
  const concrete = new Set(env.standard ? concreteKinds(site.expectedClass, version) : definableKinds(site.expectedClass, version));
  const extensible = extensibleKinds(site.expectedClass, version);
  const apocrypha = versionRules(version)?.apocrypha ?? {};
  const material = new Set<string>();
  let kind: string | undefined;
  let extensionType: string | undefined;
  const supplementalTypes: string[] = [];
  const extensionTypes: string[] = [];
  const undefinedTypes: string[] = [];
  let failed = false;
  const badType = (t: string) => {
    diags.notify('badType', { primaryId: site.parentId, property: site.propName, secondaryId: id, value: t, ...loc });
    failed = true;
  };

  for (const t of types) {
    if (t === null) {
      diags.notify('typeNotDtmiNorTerm', { primaryId: id, value: 'null', ...loc });
      failed = true;
      continue;
    }
    const cls = materialClassName(t, version);
    if (cls && concrete.has(cls)) {
      if (cls === 'Interface') {
        const max = versionRules(version)?.interfaceIdMaxLength ?? 128;
        if (id.length > max) diags.notify('idTooLongForType', { value: id, type: 'Interface', count2: max, ...loc });
      }
      kind ??= cls;
      material.add(cls);
      continue;
    }
    if (isMaterialTypeName(t)) {
      badType(t);
      continue;
    }
    const dtmi = ctx.resolveDtmi(t);
    if (dtmi === undefined) {
      const cat = t.startsWith('dtmi:') ? 'invalidDtmi' : t.includes(':') ? 'notDtmiNorTerm' : 'undefinedTerm';
      const verdict = apocrypha[`${cat}AsCotype`] ?? 'invalid';
      if (verdict === 'invalid' || (verdict === 'tenable' && ctx.isComplete)) {
        const code = cat === 'invalidDtmi' ? 'typeInvalidDtmi' : cat === 'notDtmiNorTerm' ? 'typeNotDtmiNorTerm' : 'typeUndefinedTerm';
        diags.notify(code, { primaryId: id, value: t, restriction: String(version), ...loc });
        failed = true;
      } else undefinedTypes.push(t);
      continue;
    }
    const st = supplementalType(dtmi);
    if (!st) {
      const verdict = apocrypha['irrelevantDtmiOrTermAsCotype'] ?? 'tenable';
      if (verdict === 'invalid' || (verdict === 'tenable' && ctx.isComplete)) {
        diags.notify('typeIrrelevantDtmiOrTerm', { primaryId: id, value: t, restriction: String(version), ...loc });
        failed = true;
      } else undefinedTypes.push(t);
      continue;
    }
    if (st.abstract) {
      diags.notify('abstractSupplementalType', { primaryId: id, type: t, ...loc });
      failed = true;
      continue;
    }
    if (st.kind === 'Unit' || st.kind === 'UnitAttribute' || st.kind === 'LatentType' || st.kind === 'NamedLatentType') {
      if (!extensible.includes(st.kind)) {
        badType(t);
        continue;
      }
      kind ??= st.kind;
      extensionType ??= dtmi;
      material.add(st.kind);
      extensionTypes.push(dtmi);
      continue;
    }
    if (!supplementalTypes.includes(dtmi)) supplementalTypes.push(dtmi);
  }
  if (failed) return undefined;
  if (kind === undefined) {
    diags.notify('badType', { primaryId: site.parentId, property: site.propName, secondaryId: id, ...loc });
    return undefined;
  }
  if (material.size > 1) {
    diags.notify('multipleMaterialTypes', { primaryId: id, value: [...material].join(' and '), ...loc });
    return undefined;
  }
  return { kind, extensionType, extensionTypes, supplementalTypes, undefinedTypes };
}

/** Material class named by a term or class DTMI in a version (`Property`, `dtmi:dtdl:class:Property;3`). */
function materialClassName(t: string, version: number): string | undefined {
  if (!t.startsWith('dtmi:')) return t;
  const m = /^dtmi:dtdl:class:([A-Za-z]+);(\d+)$/.exec(t);
  if (!m || Number(m[2]) !== version) return undefined;
  return t === classDtmi(m[1] as string, version) ? m[1] : undefined;
}

export { fragmentless };
