/**
 * Query results as a graph: objects with `$dtId` are nodes, objects with `$sourceId`/`$targetId`
 * are edges (ADT query rows hold twins and relationships under their aliases, or bare with `*`).
 */
export interface GraphNode {
  readonly id: string;
  readonly model: string;
}
export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly name: string;
}

export function graphOfRows(rows: readonly unknown[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 3 || v === null || typeof v !== 'object' || Array.isArray(v)) return;
    const o = v as Record<string, unknown>;
    if (typeof o['$dtId'] === 'string') {
      const meta = o['$metadata'] as { $model?: unknown } | undefined;
      nodes.set(o['$dtId'], { id: o['$dtId'], model: typeof meta?.$model === 'string' ? meta.$model : '' });
      return;
    }
    if (typeof o['$sourceId'] === 'string' && typeof o['$targetId'] === 'string') {
      const name = typeof o['$relationshipName'] === 'string' ? o['$relationshipName'] : '';
      edges.set(`${o['$sourceId']}|${String(o['$relationshipId'] ?? name)}`, { source: o['$sourceId'], target: o['$targetId'], name });
      return;
    }
    for (const child of Object.values(o)) visit(child, depth + 1);
  };
  for (const r of rows) visit(r, 0);
  // Edge ends that were not selected still appear, so the drawing has both ends.
  for (const e of edges.values()) for (const id of [e.source, e.target]) if (!nodes.has(id)) nodes.set(id, { id, model: '' });
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** Nodes on a circle (deterministic, readable for the few dozen nodes a query page shows). */
export function circleLayout(count: number, radius: number): Array<{ x: number; y: number }> {
  return Array.from({ length: count }, (_, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, count) - Math.PI / 2;
    return { x: Math.cos(a) * radius, y: Math.sin(a) * radius };
  });
}
