/**
 * Relationship documents (ADT REST "DigitalTwins AddRelationship" / "UpdateRelationship"), validated
 * against the source twin's model (DTDL v3 §Relationship):
 * - the name must be a Relationship of the source model (inherited ones count);
 * - the target twin must exist and, when the relationship declares a `target`, be of that interface or
 *   one extending it;
 * - `maxMultiplicity` bounds how many relationships of that name one source may have;
 * - members other than the `$` fields are the relationship's own properties, checked like twin properties;
 * - no relationship from a twin to itself (ADT: OperationNotAllowed).
 */
import type { RelationshipDocument, TwinDocument } from '../../query/index.js';
import { TwinsErrors } from '../errors.js';
import type { ModelInfo, RelationshipInfo } from '../models/model-info.js';
import { checkValue, escapePointer, isPlainObject, type ValueProblem } from '../models/values.js';
import { applyOp, invalidPatch, type PatchOp } from '../patch/json-patch.js';
import { cloneJson, validationFailed, type ModelLookup } from '../twin/content.js';

export interface RelationshipContext {
  readonly models: ModelLookup;
  twin(id: string): TwinDocument | undefined;
  /** Relationships named `name` from `sourceId`, not counting `except` (the one being replaced). */
  outgoingCount(sourceId: string, name: string, except?: string): number;
}

const SYSTEM = new Set(['$relationshipId', '$sourceId', '$targetId', '$relationshipName', '$etag']);

export function createRelationshipDocument(
  source: TwinDocument,
  relationshipId: string,
  etag: string,
  input: unknown,
  ctx: RelationshipContext,
): RelationshipDocument {
  const where = `${source.$dtId}/relationships/${relationshipId}`;
  if (!isPlainObject(input)) throw TwinsErrors.create('invalid_argument', `The body for relationship '${where}' must be a JSON object`);
  const name = input['$relationshipName'];
  const targetId = input['$targetId'];
  if (typeof name !== 'string' || name === '') throw TwinsErrors.create('invalid_argument', `Relationship '${where}' needs a $relationshipName`, { sourceId: source.$dtId, relationshipId });
  if (typeof targetId !== 'string' || targetId === '') throw TwinsErrors.create('invalid_argument', `Relationship '${where}' needs a $targetId`, { sourceId: source.$dtId, relationshipId });
  if (targetId === source.$dtId) {
    throw TwinsErrors.create('self_relationship', `Relationship '${where}' cannot connect twin '${targetId}' to itself`, { sourceId: source.$dtId, relationshipId });
  }
  const target = ctx.twin(targetId);
  if (!target) throw TwinsErrors.create('target_twin_not_found', `The target twin '${targetId}' of relationship '${where}' does not exist`, { targetId });
  const sourceModel = modelOf(source, ctx.models);
  const def = sourceModel.relationships.get(name);
  if (!def) {
    const known = [...sourceModel.relationships.keys()];
    throw TwinsErrors.create('invalid_relationship', `${sourceModel.id} has no relationship '${name}'${known.length ? ` (it has: ${known.join(', ')})` : ''}`, {
      sourceId: source.$dtId, name, modelId: sourceModel.id, allowed: known,
    });
  }
  checkTarget(def, sourceModel, target, ctx.models, where);
  if (def.maxMultiplicity !== undefined && ctx.outgoingCount(source.$dtId, name, relationshipId) + 1 > def.maxMultiplicity) {
    throw TwinsErrors.create('invalid_relationship', `Twin '${source.$dtId}' may have at most ${def.maxMultiplicity} '${name}' relationship(s) (maxMultiplicity of ${sourceModel.id})`, {
      sourceId: source.$dtId, name, maxMultiplicity: def.maxMultiplicity,
    });
  }
  const problems: ValueProblem[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (SYSTEM.has(key)) continue;
    checkRelationshipProperty(def, key, value, problems);
  }
  if (problems.length > 0) throw validationFailed(`Relationship '${where}' is not valid`, problems, { sourceId: source.$dtId, relationshipId });

  // Share the id and name strings with the twins and the model: three million relationships repeat them.
  const doc: Record<string, unknown> = {
    $relationshipId: relationshipId, $etag: etag, $sourceId: source.$dtId, $relationshipName: def.name, $targetId: target.$dtId,
  };
  for (const [key, value] of Object.entries(input)) if (!SYSTEM.has(key)) doc[key] = cloneJson(value);
  return doc as unknown as RelationshipDocument;
}

/** JSON Patch on the relationship's own properties; the `$` fields cannot change. */
export function patchRelationship(rel: RelationshipDocument, ops: readonly PatchOp[], source: TwinDocument, models: ModelLookup, trusted = false): RelationshipDocument {
  const def = modelOf(source, models).relationships.get(rel.$relationshipName);
  if (!def) throw TwinsErrors.create('invalid_relationship', `The source model no longer declares relationship '${rel.$relationshipName}'`);
  const copied = new Set<object>();
  const touched = new Set<string>();
  let working = rel as unknown as Record<string, unknown>;
  for (const op of ops) {
    const head = op.segments[0];
    if (head === undefined) throw invalidPatch(`${op.op} of the whole relationship is not allowed`, { path: op.path });
    if (head.startsWith('$')) throw invalidPatch(`'${op.path}': ${head} cannot be changed (delete and create the relationship instead)`, { path: op.path });
    touched.add(head);
    working = applyOp(working, op, op.segments, copied);
  }
  const problems: ValueProblem[] = [];
  for (const name of touched) {
    checkRelationshipProperty(def, name, working[name], problems);
    const prop = def.properties.get(name);
    if (prop && !prop.writable && !trusted) problems.push({ path: `/${escapePointer(name)}`, message: `relationship property '${name}' is not writable` });
  }
  if (problems.length > 0) throw validationFailed(`Patch of relationship '${rel.$sourceId}/relationships/${rel.$relationshipId}' is not valid`, problems);
  return working as unknown as RelationshipDocument;
}

function checkRelationshipProperty(def: RelationshipInfo, name: string, value: unknown, problems: ValueProblem[]): void {
  const path = `/${escapePointer(name)}`;
  const prop = def.properties.get(name);
  if (!prop) {
    if (name.startsWith('$')) problems.push({ path, message: `'${name}' is not a relationship field` });
    else problems.push({ path, message: `relationship '${def.name}' has no property '${name}'` });
    return;
  }
  if (value !== undefined) problems.push(...checkValue(prop.schema, value, path));
}

function checkTarget(def: RelationshipInfo, sourceModel: ModelInfo, target: TwinDocument, models: ModelLookup, where: string): void {
  if (def.target === undefined) return;
  const targetModel = models.info(target.$metadata.$model);
  if (targetModel?.ancestors.has(def.target)) return;
  throw TwinsErrors.create(
    'invalid_relationship',
    `Relationship '${def.name}' of ${sourceModel.id} must target a ${def.target} (or a model extending it); twin '${target.$dtId}' is a ${target.$metadata.$model} (${where})`,
    { name: def.name, expectedTarget: def.target, targetModel: target.$metadata.$model },
  );
}

function modelOf(twin: TwinDocument, models: ModelLookup): ModelInfo {
  const m = models.info(twin.$metadata.$model);
  if (!m) throw TwinsErrors.create('model_not_found', `The model ${twin.$metadata.$model} of twin '${twin.$dtId}' is not loaded`, { modelId: twin.$metadata.$model });
  return m;
}
