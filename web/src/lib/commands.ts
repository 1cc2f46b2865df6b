/**
 * The commands a twin offers: the DTDL `Command` contents of its model and every model it extends
 * (DTDL v3 §Command, §Interface `extends`), the most specific first, each name once. The platform
 * runs a command as a direct method of the device linked to the twin (src/platform/commands.ts).
 */
import { ancestry, type ModelInfo } from './plant.js';

export interface CommandInfo {
  readonly name: string;
  /** DTDL displayName (a string or a language map, first entry taken). */
  readonly displayName?: string;
  /** The request parameter, when the command takes one. */
  readonly request?: { readonly name: string; readonly schema: string };
}

type ModelWithContents = ModelInfo & { readonly contents?: readonly unknown[] };

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object') {
    const first = Object.values(v as Record<string, unknown>)[0];
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}

function isCommand(c: Record<string, unknown>): boolean {
  const t = c['@type'];
  return t === 'Command' || (Array.isArray(t) && t.includes('Command'));
}

export function commandsOf(modelId: string, models: ReadonlyMap<string, ModelWithContents>): CommandInfo[] {
  const out: CommandInfo[] = [];
  for (const id of ancestry(modelId, models)) {
    for (const raw of models.get(id)?.contents ?? []) {
      if (raw === null || typeof raw !== 'object') continue;
      const c = raw as Record<string, unknown>;
      const name = c['name'];
      if (!isCommand(c) || typeof name !== 'string' || out.some((x) => x.name === name)) continue;
      const req = c['request'] as Record<string, unknown> | undefined;
      const display = text(c['displayName']);
      out.push({
        name,
        ...(display ? { displayName: display } : {}),
        ...(req && typeof req['name'] === 'string' ? { request: { name: req['name'], schema: typeof req['schema'] === 'string' ? req['schema'] : 'object' } } : {}),
      });
    }
  }
  return out;
}

/** The direct-method payload for a command with one scalar request parameter: `{ <name>: value }`. */
export function commandPayload(cmd: CommandInfo, value?: number | string | boolean): unknown {
  if (!cmd.request || value === undefined) return undefined;
  return { [cmd.request.name]: value };
}

/** The device's answer to a direct method: `{status, payload, …}` (IoT Hub's shape); 2xx is success. */
export function methodOutcome(body: unknown): { ok: boolean; status: number; message?: string } {
  const b = (body ?? {}) as { status?: unknown; payload?: unknown };
  const status = typeof b.status === 'number' ? b.status : 0;
  const p = (b.payload ?? {}) as { error?: unknown; message?: unknown };
  const message = typeof p.error === 'string' ? p.error : typeof p.message === 'string' ? p.message : undefined;
  return { ok: status >= 200 && status < 300, status, ...(message ? { message } : {}) };
}
