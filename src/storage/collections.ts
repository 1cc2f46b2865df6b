/**
 * The catalogue of document collections. A new collection is added here and gets a migration in
 * every adapter (migrations create one table per collection with the same shape).
 */
export const COLLECTIONS = [
  'models', // DTDL model documents with their upload metadata (twins context)
  'twins', // digital twins (twins context)
  'relationships', // twin relationships, id = `${sourceId}/${relationshipId}` (twins context)
  'devices', // device registry (hub context)
  'users', // platform accounts (auth context)
  'api_keys', // long-lived API keys, stored hashed (auth context)
  'settings', // platform-wide settings and secrets (e.g. token signing key)
  'ml_models', // trained predictive-maintenance models, their metadata and the promoted version (ml context)
  'series', // the history catalogue: one document per stored series (timeseries context)
  'alerts', // alert instances with their history, id sortable by raise time (alerts context)
  'alert_rules', // alert rule documents (alerts context)
] as const;

export type CollectionName = (typeof COLLECTIONS)[number];

export function isCollectionName(s: string): s is CollectionName {
  return (COLLECTIONS as readonly string[]).includes(s);
}
