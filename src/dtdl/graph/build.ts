/** Freezes the working model into the public graph (./types.ts). */
import { assertNever } from '../json/ast.js';
import { termOrUri } from '../jsonld/context.js';
import { supplementalType } from '../metamodel/index.js';
import type { ElementRecord, WorkingModel } from '../parser/model.js';
import { resolveAlias } from '../parser/standard.js';
import type {
  ArraySchema,
  Command,
  CommandPayload,
  Component,
  Content,
  DtdlElement,
  EnumSchema,
  EnumValue,
  Field,
  InterfaceInfo,
  LangMap,
  MapKey,
  MapSchema,
  MapValue,
  ModelGraph,
  ObjectSchema,
  OtherElement,
  PrimitiveKind,
  PrimitiveSchema,
  Property,
  Relationship,
  Schema,
  Telemetry,
} from './types.js';
import { PRIMITIVE_KINDS } from './types.js';

const GEOSPATIAL = /^dtmi:standard:schema:geospatial:([A-Za-z]+);\d+$/;

export function buildGraph(model: WorkingModel): ModelGraph {
  const built = new Map<string, DtdlElement>();
  const recs = model.elements;
  const get = (id: string): ElementRecord | undefined => recs.get(resolveAlias(id));
  const one = (rec: ElementRecord, prop: string): string | undefined => rec.objects.get(prop)?.[0];
  const many = (rec: ElementRecord, prop: string): string[] => rec.objects.get(prop) ?? [];
  const lit = <T>(rec: ElementRecord, prop: string): T | undefined => rec.literals.get(prop) as T | undefined;

  const base = (rec: ElementRecord) => {
    const comment = lit<string>(rec, 'comment');
    return {
      id: rec.id,
      dtdlVersion: rec.version,
      displayName: (lit<LangMap>(rec, 'displayName') ?? {}) as LangMap,
      description: (lit<LangMap>(rec, 'description') ?? {}) as LangMap,
      ...(comment !== undefined ? { comment } : {}),
      supplementalTypes: [...rec.supplementalTypes],
      undefinedTypes: [...rec.undefinedTypes],
      extensionProperties: Object.fromEntries(rec.supplemental),
      undefinedProperties: Object.fromEntries(rec.undefinedProperties),
    };
  };
  const semantic = (rec: ElementRecord) => {
    const semanticTypes = rec.supplementalTypes.filter((t) => supplementalType(t)?.kind === 'SemanticType');
    let unit: string | undefined;
    for (const [pid, v] of rec.supplemental) {
      if (supplementalType(semanticTypes[0] ?? '')?.properties.some((p) => p.id === pid) || /:unit(;\d+)?$/.test(pid)) {
        if (Array.isArray(v) && typeof v[0] === 'string') unit = termOrUri(v[0]);
      }
    }
    return { semanticTypes, ...(unit !== undefined ? { unit } : {}) };
  };

  const schemaKinds = new Set<string>(['Array', 'Enum', 'Map', 'Object', ...PRIMITIVE_KINDS]);
  // Judged on the record: a recursive schema (DTDL v4) may still be an unfilled shell here.
  const schema = (id: string | undefined): Schema => {
    const rec = id ? get(id) : undefined;
    if (!rec || !schemaKinds.has(rec.kind)) throw new Error(`schema ${id ?? '(none)'} is missing from the graph`);
    return element(rec.id) as Schema;
  };

  function element(id: string): DtdlElement | undefined {
    const rec = get(id);
    if (!rec) return undefined;
    const cached = built.get(rec.id);
    if (cached) return cached;
    // The shell is registered before its members are built so that recursive schemas (allowed in DTDL
    // v4) end up as cyclic object graphs instead of endless recursion.
    const shell = {} as DtdlElement;
    built.set(rec.id, shell);
    return Object.assign(shell, make(rec));
  }

  function make(rec: ElementRecord): DtdlElement {
    const b = base(rec);
    const kind = rec.kind;
    const owner = rec.definedIn ?? rec.parentId ?? '';
    if ((PRIMITIVE_KINDS as readonly string[]).includes(kind)) return { ...b, kind: kind as PrimitiveKind } satisfies PrimitiveSchema;
    switch (kind) {
      case 'Interface':
        return makeInterface(rec, b);
      case 'Telemetry':
        return { ...b, kind, name: lit<string>(rec, 'name') ?? '', schema: schema(one(rec, 'schema')), ...semantic(rec), definedIn: owner } satisfies Telemetry;
      case 'Property':
        return { ...b, kind, name: lit<string>(rec, 'name') ?? '', schema: schema(one(rec, 'schema')), writable: lit<boolean>(rec, 'writable') ?? false, ...semantic(rec), definedIn: owner } satisfies Property;
      case 'Command': {
        const req = one(rec, 'request');
        const res = one(rec, 'response');
        const ct = one(rec, 'commandType');
        return {
          ...b,
          kind,
          name: lit<string>(rec, 'name') ?? '',
          ...(req ? { request: element(req) as CommandPayload } : {}),
          ...(res ? { response: element(res) as CommandPayload } : {}),
          ...(ct ? { commandType: termOrUri(ct) } : {}),
          definedIn: owner,
        } satisfies Command;
      }
      case 'CommandPayload':
      case 'CommandRequest':
      case 'CommandResponse':
        return { ...b, kind, name: lit<string>(rec, 'name') ?? '', schema: schema(one(rec, 'schema')), ...semantic(rec) } satisfies CommandPayload;
      case 'Relationship': {
        const target = lit<string>(rec, 'target');
        const min = lit<number>(rec, 'minMultiplicity');
        const max = lit<number>(rec, 'maxMultiplicity');
        return {
          ...b,
          kind,
          name: lit<string>(rec, 'name') ?? '',
          ...(target !== undefined ? { target } : {}),
          ...(min !== undefined ? { minMultiplicity: min } : {}),
          ...(max !== undefined ? { maxMultiplicity: max } : {}),
          properties: many(rec, 'properties').map((p) => element(p) as Property),
          writable: lit<boolean>(rec, 'writable') ?? false,
          definedIn: owner,
        } satisfies Relationship;
      }
      case 'Component':
        return { ...b, kind, name: lit<string>(rec, 'name') ?? '', schema: resolveAlias(one(rec, 'schema') ?? ''), definedIn: owner } satisfies Component;
      case 'Array':
        return { ...b, kind, elementSchema: schema(one(rec, 'elementSchema')) } satisfies ArraySchema;
      case 'Enum':
        return { ...b, kind, valueSchema: schema(one(rec, 'valueSchema')) as PrimitiveSchema, enumValues: many(rec, 'enumValues').map((v) => element(v) as EnumValue) } satisfies EnumSchema;
      case 'EnumValue':
        return { ...b, kind, name: lit<string>(rec, 'name') ?? '', enumValue: lit<string | number | boolean>(rec, 'enumValue') ?? '' } satisfies EnumValue;
      case 'Map':
        return { ...b, kind, mapKey: element(one(rec, 'mapKey') ?? '') as MapKey, mapValue: element(one(rec, 'mapValue') ?? '') as MapValue } satisfies MapSchema;
      case 'MapKey':
        return { ...b, kind, name: lit<string>(rec, 'name') ?? '', schema: schema(one(rec, 'schema')) } satisfies MapKey;
      case 'MapValue':
        return { ...b, kind, name: lit<string>(rec, 'name') ?? '', schema: schema(one(rec, 'schema')), ...semantic(rec) } satisfies MapValue;
      case 'Object': {
        const geo = GEOSPATIAL.exec(rec.id)?.[1];
        return { ...b, kind, fields: many(rec, 'fields').map((f) => element(f) as Field), ...(geo ? { geospatial: geo } : {}) } satisfies ObjectSchema;
      }
      case 'Field':
        return { ...b, kind, name: lit<string>(rec, 'name') ?? '', schema: schema(one(rec, 'schema')), ...semantic(rec) } satisfies Field;
      case 'CommandType':
      case 'Unit':
      case 'UnitAttribute':
      case 'LatentType':
      case 'NamedLatentType': {
        const name = lit<string>(rec, 'name');
        return { ...b, kind, ...(name !== undefined ? { name } : {}) } satisfies OtherElement;
      }
      default:
        return { ...b, kind: 'LatentType' } satisfies OtherElement;
    }
  }

  const ancestorsOf = (rec: ElementRecord): string[] => {
    const out: string[] = [];
    const seen = new Set<string>([rec.id]);
    const queue = [...many(rec, 'extends')];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
      const r = get(id);
      if (r) queue.push(...many(r, 'extends'));
    }
    return out;
  };

  const descendantsIndex = new Map<string, string[]>();
  for (const rec of recs.values()) {
    if (rec.kind !== 'Interface') continue;
    for (const a of ancestorsOf(rec)) {
      const list = descendantsIndex.get(a) ?? [];
      list.push(rec.id);
      descendantsIndex.set(a, list);
    }
  }

  function makeInterface(rec: ElementRecord, b: ReturnType<typeof base>): InterfaceInfo {
    const ancestors = ancestorsOf(rec);
    const contents = new Map<string, Content>();
    for (const owner of [rec.id, ...ancestors]) {
      const r = get(owner);
      if (!r) continue;
      for (const cid of many(r, 'contents')) {
        const c = element(cid) as Content | undefined;
        if (c && !contents.has(c.name)) contents.set(c.name, c);
      }
    }
    const pick = <K extends Content['kind']>(k: K) => new Map([...contents].filter(([, c]) => c.kind === k)) as Map<string, Extract<Content, { kind: K }>>;
    return {
      ...b,
      kind: 'Interface',
      extends: many(rec, 'extends'),
      ancestors,
      descendants: descendantsIndex.get(rec.id) ?? [],
      contents,
      telemetries: pick('Telemetry'),
      properties: pick('Property'),
      commands: pick('Command'),
      relationships: pick('Relationship'),
      components: pick('Component'),
      schemas: many(rec, 'schemas').map((s) => element(s) as InterfaceInfo['schemas'][number]),
    };
  }

  for (const id of recs.keys()) element(id);
  const interfaces = new Map<string, InterfaceInfo>();
  for (const [id, el] of built) if (el.kind === 'Interface') interfaces.set(id, el);
  // Aliased standard ids (e.g. `…:Schema:double;3`) resolve to their canonical element.
  for (const id of recs.keys()) {
    const target = resolveAlias(id);
    if (target !== id && built.has(target)) built.set(id, built.get(target) as DtdlElement);
  }
  return { interfaces, elements: built, roots: [...model.roots] };
}

export function isSchema(el: DtdlElement): el is Schema {
  switch (el.kind) {
    case 'Array':
    case 'Enum':
    case 'Map':
    case 'Object':
    case 'Boolean':
    case 'Date':
    case 'DateTime':
    case 'Double':
    case 'Duration':
    case 'Float':
    case 'Integer':
    case 'Long':
    case 'String':
    case 'Time':
    case 'Byte':
    case 'Bytes':
    case 'Decimal':
    case 'Short':
    case 'UnsignedByte':
    case 'UnsignedInteger':
    case 'UnsignedLong':
    case 'UnsignedShort':
    case 'Uuid':
      return true;
    case 'Interface':
    case 'Telemetry':
    case 'Property':
    case 'Command':
    case 'Relationship':
    case 'Component':
    case 'CommandPayload':
    case 'CommandRequest':
    case 'CommandResponse':
    case 'EnumValue':
    case 'MapKey':
    case 'MapValue':
    case 'Field':
    case 'CommandType':
    case 'Unit':
    case 'UnitAttribute':
    case 'LatentType':
    case 'NamedLatentType':
      return false;
    default:
      return assertNever(el);
  }
}
