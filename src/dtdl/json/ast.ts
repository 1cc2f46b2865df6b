/**
 * Immutable JSON syntax tree with source lines and JSON paths. Unlike `JSON.parse`, objects keep every
 * member in order, duplicates included, because DTDL gives repeated keywords their own errors
 * (e.g. `repeatedIdProperty`).
 */
export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBoolean | JsonNull;

interface NodeBase {
  /** 1-based line of the first character of the value. */
  readonly line: number;
  /** 1-based line of the last character of the value. */
  readonly endLine: number;
  /** JSON path from the document root, e.g. `$.contents[2].schema`. */
  readonly path: string;
}

export interface JsonMember {
  readonly key: string;
  readonly keyLine: number;
  readonly value: JsonNode;
}

export interface JsonObject extends NodeBase {
  readonly kind: 'object';
  readonly members: readonly JsonMember[];
}
export interface JsonArray extends NodeBase {
  readonly kind: 'array';
  readonly items: readonly JsonNode[];
}
export interface JsonString extends NodeBase {
  readonly kind: 'string';
  readonly value: string;
}
export interface JsonNumber extends NodeBase {
  readonly kind: 'number';
  readonly value: number;
  /** The number as written, e.g. `1.0` (kept so integers written with a fraction can be told apart). */
  readonly raw: string;
}
export interface JsonBoolean extends NodeBase {
  readonly kind: 'boolean';
  readonly value: boolean;
}
export interface JsonNull extends NodeBase {
  readonly kind: 'null';
}

/** Converts a syntax tree back to a plain JavaScript value (later duplicates win, as in JSON.parse). */
export function toPlain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const m of node.members) o[m.key] = toPlain(m.value);
      return o;
    }
    case 'array':
      return node.items.map(toPlain);
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
    case 'null':
      return null;
    default:
      return assertNever(node);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

/** Appends a member name to a JSON path, quoting names that are not plain identifiers. */
export function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
