/**
 * ADT change notifications (CloudEvents 1.0, types Microsoft.DigitalTwins.Twin.* and
 * .Relationship.*) turned into changes of the app's twin cache. ADT puts the twin id in `subject`
 * and, for relationships, `<sourceId>/relationships/<relationshipId>`; updates carry a JSON Patch
 * in `data.patch` (ADT event notifications, "Digital twin change notifications").
 */
export type TwinChange =
  | { readonly kind: 'twin.upsert'; readonly twin: Record<string, unknown> & { $dtId: string } }
  | { readonly kind: 'twin.patch'; readonly twinId: string; readonly patch: ReadonlyArray<{ op: string; path: string; value?: unknown }> }
  | { readonly kind: 'twin.delete'; readonly twinId: string }
  | { readonly kind: 'relationship.upsert'; readonly relationship: { $relationshipId: string; $sourceId: string; $targetId: string; $relationshipName: string } }
  | { readonly kind: 'relationship.delete'; readonly sourceId: string; readonly relationshipId: string };

const PREFIX = 'Microsoft.DigitalTwins.';

export function toTwinChange(sseType: string, data: string): TwinChange | undefined {
  let ev: Record<string, unknown>;
  try {
    ev = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const type = typeof ev['type'] === 'string' ? ev['type'] : sseType;
  const subject = typeof ev['subject'] === 'string' ? ev['subject'] : '';
  const body = (ev['data'] ?? {}) as Record<string, unknown>;
  if (!type.startsWith(PREFIX)) return undefined;
  switch (type.slice(PREFIX.length)) {
    case 'Twin.Create': {
      const id = typeof body['$dtId'] === 'string' ? body['$dtId'] : subject;
      return id ? { kind: 'twin.upsert', twin: { ...body, $dtId: id } } : undefined;
    }
    case 'Twin.Update': {
      const patch = Array.isArray(body['patch']) ? (body['patch'] as Array<{ op: string; path: string; value?: unknown }>) : undefined;
      return subject && patch ? { kind: 'twin.patch', twinId: subject, patch } : undefined;
    }
    case 'Twin.Delete':
      return subject ? { kind: 'twin.delete', twinId: subject } : undefined;
    case 'Relationship.Create':
    case 'Relationship.Update': {
      const r = body as { $relationshipId?: unknown; $sourceId?: unknown; $targetId?: unknown; $relationshipName?: unknown };
      if (typeof r.$relationshipId !== 'string' || typeof r.$sourceId !== 'string' || typeof r.$targetId !== 'string' || typeof r.$relationshipName !== 'string') return undefined;
      return { kind: 'relationship.upsert', relationship: { $relationshipId: r.$relationshipId, $sourceId: r.$sourceId, $targetId: r.$targetId, $relationshipName: r.$relationshipName } };
    }
    case 'Relationship.Delete': {
      const m = /^(.*)\/relationships\/([^/]+)$/.exec(subject);
      return m ? { kind: 'relationship.delete', sourceId: m[1]!, relationshipId: m[2]! } : undefined;
    }
    default:
      return undefined;
  }
}
