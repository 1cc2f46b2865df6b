/**
 * Storage ids. Relationships are stored under `<source>/<relationshipId>` (storage collections
 * catalogue); both parts are escaped so that a '/' inside an id cannot make two keys collide.
 */
export function relationshipKey(sourceId: string, relationshipId: string): string {
  return `${escapeKey(sourceId)}/${escapeKey(relationshipId)}`;
}

function escapeKey(s: string): string {
  return s.replaceAll('%', '%25').replaceAll('/', '%2F');
}
