/**
 * Telemetry-to-twin bindings: which device feeds which twin, which message values set which twin
 * properties (with unit conversion), and which are published as twin telemetry. The first binding
 * whose device pattern (and model, if given) matches a device applies. Values are read with the
 * routing query language, so `from` can be `$body.motor.rpm`, an application property, or an
 * expression such as `$body.current * 1000`; a plain dotted name means a body field.
 */
import type { JsonObject, JsonPatchOperation } from '../../bus/index.js';
import { HubErrors } from '../errors.js';
import { compile, type Compiled, type RouteContext } from '../routing/evaluate.js';
import { parseRouteQuery } from '../routing/parser.js';
import { converter, type Converter } from './units.js';

export interface PropertyMappingConfig {
  readonly from: string;
  /** JSON Pointer into the twin (`/temperature`), or a plain property name. */
  readonly to: string;
  readonly unit?: { readonly from: string; readonly to: string };
  /** Applied after unit conversion: value × scale + offset. */
  readonly scale?: number;
  readonly offset?: number;
}

export interface BindingConfig {
  /** Device id pattern: `*` any characters, `?` one; default every device. */
  readonly devices?: string;
  /** Only devices that declared this DTDL model. */
  readonly modelId?: string;
  /** Twin id template (`{deviceId}`); default: the twin linked to the device, else the device id. */
  readonly twin?: string;
  /** `'*'` = every top-level scalar body field to the property of the same name. */
  readonly properties?: '*' | readonly PropertyMappingConfig[];
  /** Values published as twin telemetry: body field names or `{ from, name }`. */
  readonly telemetry?: ReadonlyArray<string | { readonly from: string; readonly name: string }>;
}

interface Mapping {
  readonly read: Compiled;
  readonly path: string;
  readonly convert: Converter;
}

export interface Binding {
  readonly config: BindingConfig;
  appliesTo(deviceId: string, modelId: string | undefined): boolean;
  twinId(deviceId: string, linkedTwinId: string | undefined): string;
  /** The property patch (`add` operations) and telemetry values this message yields. */
  evaluate(ctx: RouteContext): { patch: JsonPatchOperation[]; telemetry?: JsonObject };
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function readExpression(from: string): Compiled {
  const text = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(from) ? `$body.${from}` : from;
  return compile(parseRouteQuery(text));
}

function pointer(to: string): string {
  if (to.startsWith('/')) return to;
  if (!/^[^/~]+$/.test(to)) throw HubErrors.create('invalid_config', `binding target '${to}' must be a JSON Pointer or a plain name`, { to });
  return `/${to}`;
}

function isScalar(v: unknown): v is number | string | boolean {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
}

export function compileBinding(config: BindingConfig): Binding {
  const devices = globToRegExp(config.devices ?? '*');
  const all = config.properties === '*';
  const mappings: Mapping[] = all
    ? []
    : (config.properties ?? []).map((m) => {
        const unit = m.unit ? converter(m.unit.from, m.unit.to) : (v: number) => v;
        const scale = m.scale ?? 1;
        const offset = m.offset ?? 0;
        return { read: readExpression(m.from), path: pointer(m.to), convert: scale === 1 && offset === 0 ? unit : (v: number) => unit(v) * scale + offset };
      });
  const telemetry = (config.telemetry ?? []).map((t) => (typeof t === 'string' ? { read: readExpression(t), name: t.replace(/^\$body\./, '') } : { read: readExpression(t.from), name: t.name }));
  return {
    config,
    appliesTo: (deviceId, modelId) => devices.test(deviceId) && (config.modelId === undefined || config.modelId === modelId),
    twinId: (deviceId, linked) => (config.twin ? config.twin.replaceAll('{deviceId}', deviceId) : (linked ?? deviceId)),
    evaluate(ctx) {
      const patch: JsonPatchOperation[] = [];
      if (all) {
        const body = ctx.body;
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
            if (k !== 'timestamp' && isScalar(v)) patch.push({ op: 'add', path: `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, value: v });
          }
        }
      }
      for (const m of mappings) {
        const v = m.read(ctx);
        if (typeof v === 'number') {
          const c = m.convert(v);
          if (Number.isFinite(c)) patch.push({ op: 'add', path: m.path, value: c });
        } else if (isScalar(v)) patch.push({ op: 'add', path: m.path, value: v });
      }
      if (telemetry.length === 0) return { patch };
      const values: JsonObject = {};
      for (const t of telemetry) {
        const v = t.read(ctx);
        if (isScalar(v)) values[t.name] = v;
      }
      return Object.keys(values).length > 0 ? { patch, telemetry: values } : { patch };
    },
  };
}

export class BindingSet {
  private readonly bindings: Binding[];
  /** By model id ('' for none), then device id: no key string built per message. */
  private readonly cache = new Map<string, Map<string, Binding | null>>();
  private cached = 0;

  constructor(configs: readonly BindingConfig[]) {
    this.bindings = configs.map(compileBinding);
  }

  get size(): number {
    return this.bindings.length;
  }

  /** The binding for a device (memoised per device and model). */
  for(deviceId: string, modelId: string | undefined): Binding | undefined {
    if (this.bindings.length === 0) return undefined;
    let byDevice = this.cache.get(modelId ?? '');
    if (!byDevice) this.cache.set(modelId ?? '', (byDevice = new Map()));
    let b = byDevice.get(deviceId);
    if (b === undefined) {
      b = this.bindings.find((x) => x.appliesTo(deviceId, modelId)) ?? null;
      if (this.cached++ > 200_000) {
        this.cache.clear();
        this.cached = 0;
        this.cache.set(modelId ?? '', (byDevice = new Map()));
      }
      byDevice.set(deviceId, b);
    }
    return b ?? undefined;
  }
}
