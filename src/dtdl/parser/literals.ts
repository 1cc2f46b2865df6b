/**
 * Literal member values (DTDL v3 §"Representational literal", §"Localizable string"): plain JSON values or
 * value objects `{"@value": …, "@type": "xsd:…"}`, and language-tagged strings (language maps, strings,
 * `{"@value", "@language"}` objects).
 */
import { SilentDiagnostics, type Diagnostics } from '../diagnostics.js';
import type { LdElement, LdProperty, LdValue } from '../jsonld/ld.js';
import type { ActiveContext } from '../jsonld/context.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

export interface LiteralSite {
  readonly diags: Diagnostics;
  readonly ctx: ActiveContext;
  readonly elementId: string | undefined;
  readonly property: string;
}

export const at = (v: LdValue | LdProperty | LdElement) => {
  const n = 'node' in v ? v.node : undefined;
  return n ? { path: n.path, line: n.line } : {};
};

function valueObjectChecks(s: LiteralSite, e: LdElement): void {
  const f = { primaryId: s.elementId, property: s.property, ...at(e) };
  if (e.context) s.diags.notify('valueObjectContext', f);
  if (e.id !== undefined) s.diags.notify('valueObjectId', f);
  if (e.graph) s.diags.notify('valueObjectGraph', f);
  if (s.ctx.restrictKeywords) {
    if (e.language !== undefined) s.diags.notify('valueObjectLanguage', f);
    for (const k of e.keywords) s.diags.notify('valueObjectKeyword', { ...f, value: k });
  }
  for (const p of e.properties) s.diags.notify('valueObjectInvalidProp', { ...f, value: p.name, ...at(p) });
}

type Kind = 'string' | 'integer' | 'numeric' | 'boolean';
const XSD_TYPE: Record<Kind, string> = { string: 'string', integer: 'integer', numeric: 'decimal', boolean: 'boolean' };

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
}

function plainMatches(kind: Kind, v: LdValue): boolean {
  switch (kind) {
    case 'string':
      return v.kind === 'string';
    case 'integer':
      return v.kind === 'number' && isInt32(v.value);
    case 'numeric':
      return v.kind === 'number';
    case 'boolean':
      return v.kind === 'boolean';
  }
}

/**
 * One literal of the given kind. `literalType` names the error family (`string…`, `integer…`, or
 * `literal…` when probing an untyped literal); `required` says whether a mismatch is an error.
 */
function tryLiteral(s: LiteralSite, v: LdValue, kind: Kind, literalType: string, required: boolean): { ok: true; value: unknown } | { ok: false } {
  const f = { primaryId: s.elementId, property: s.property, ...at(v) };
  if (v.kind !== 'element') {
    if (plainMatches(kind, v)) return { ok: true, value: (v as { value: unknown }).value };
    if (required) s.diags.notify(`${literalType}Not${cap(literalType)}`, f);
    return { ok: false };
  }
  const e = v.element;
  valueObjectChecks(s, e);
  if (!e.value) {
    s.diags.notify(`${literalType}ObjectNoValue`, f);
    return { ok: false };
  }
  let declared = false;
  if (e.types) {
    if (e.types.length !== 1) {
      s.diags.notify('literalTypeNotSingular', f);
      return { ok: false };
    }
    const t = e.types[0];
    declared = t === `xsd:${XSD_TYPE[kind]}` || t === `${XSD}${XSD_TYPE[kind]}`;
    if (!declared) {
      if (required) s.diags.notify(`${literalType}TypeNot${cap(literalType)}`, f);
      return { ok: false };
    }
  }
  if (!plainMatches(kind, e.value)) {
    if (required || declared) s.diags.notify(`${literalType}ValueNot${cap(literalType)}`, f);
    return { ok: false };
  }
  return { ok: true, value: (e.value as { value: unknown }).value };
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export interface StringRules {
  readonly maxLength?: number | undefined;
  readonly pattern?: RegExp | undefined;
}

function checkString(s: LiteralSite, v: LdValue, str: string, rules: StringRules): void {
  const f = { primaryId: s.elementId, property: s.property, value: str, ...at(v) };
  if (rules.maxLength !== undefined && str.length > rules.maxLength) s.diags.notify('stringTooLong', { ...f, count2: rules.maxLength });
  if (rules.pattern && !rules.pattern.test(str)) s.diags.notify('stringInvalid', { ...f, restriction: rules.pattern.source });
}

/** A singular string member (e.g. `name`, `comment`). */
export function parseString(s: LiteralSite, values: readonly LdValue[], rules: StringRules, optional: boolean): string | undefined {
  const f = { primaryId: s.elementId, property: s.property };
  if (values.length > 1) {
    s.diags.notify('stringMultipleValues', f);
    return undefined;
  }
  if (values.length < (optional ? 0 : 1)) s.diags.notify('stringCountBelowMin', { ...f, count1: values.length, count2: 1 });
  const v = values[0];
  if (!v) return undefined;
  const r = tryLiteral(s, v, 'string', 'string', true);
  if (!r.ok) return undefined;
  checkString(s, v, r.value as string, rules);
  return r.value as string;
}

export function parseBoolean(s: LiteralSite, values: readonly LdValue[], optional: boolean): boolean | undefined {
  const f = { primaryId: s.elementId, property: s.property };
  if (values.length > 1) {
    s.diags.notify('booleanMultipleValues', f);
    return undefined;
  }
  if (values.length < (optional ? 0 : 1)) s.diags.notify('booleanCountBelowMin', { ...f, count1: values.length, count2: 1 });
  const v = values[0];
  if (!v) return undefined;
  const r = tryLiteral(s, v, 'boolean', 'boolean', true);
  return r.ok ? (r.value as boolean) : undefined;
}

export interface NumberRange {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

function checkRange(s: LiteralSite, v: LdValue, n: number, range: NumberRange): void {
  const f = { primaryId: s.elementId, property: s.property, value: String(n), ...at(v) };
  const { min, max } = range;
  if (min !== undefined && max !== undefined && min === max && n !== min) s.diags.notify('valueNotExact', { ...f, restriction: String(min) });
  else if (min !== undefined && n < min) s.diags.notify(max !== undefined ? 'valueBelowRange' : 'valueBelowMin', { ...f, restriction: String(min) });
  else if (max !== undefined && n > max) s.diags.notify(min !== undefined ? 'valueAboveRange' : 'valueAboveMax', { ...f, restriction: String(max) });
}

export function parseInteger(s: LiteralSite, values: readonly LdValue[], range: NumberRange, optional: boolean): number | undefined {
  const f = { primaryId: s.elementId, property: s.property };
  if (values.length > 1) {
    s.diags.notify('integerMultipleValues', f);
    return undefined;
  }
  if (values.length < (optional ? 0 : 1)) s.diags.notify('integerCountBelowMin', { ...f, count1: values.length, count2: 1 });
  const v = values[0];
  if (!v) return undefined;
  const r = tryLiteral(s, v, 'integer', 'integer', true);
  if (!r.ok) return undefined;
  checkRange(s, v, r.value as number, range);
  return r.value as number;
}

export function parseNumeric(s: LiteralSite, values: readonly LdValue[], range: NumberRange, optional: boolean): number | undefined {
  const f = { primaryId: s.elementId, property: s.property };
  if (values.length > 1) {
    s.diags.notify('numericMultipleValues', f);
    return undefined;
  }
  if (values.length < (optional ? 0 : 1)) s.diags.notify('numericCountBelowMin', { ...f, count1: values.length, count2: 1 });
  const v = values[0];
  if (!v) return undefined;
  const r = tryLiteral(s, v, 'numeric', 'numeric', true);
  if (!r.ok) return undefined;
  checkRange(s, v, r.value as number, range);
  return r.value as number;
}

/** An untyped literal (e.g. `enumValue`): string, integer, number or boolean. */
export function parseAnyLiteral(s: LiteralSite, values: readonly LdValue[]): { value: unknown; type: 'string' | 'integer' | 'decimal' | 'boolean' } | undefined {
  const notify = (code: string) => s.diags.notify(code, { primaryId: s.elementId, property: s.property });
  if (values.length === 0) {
    notify('literalCountBelowMin');
    return undefined;
  }
  if (values.length > 1) {
    notify('literalMultipleValues');
    return undefined;
  }
  const v = values[0]!;
  // Probing the alternatives must not report: only the final literalNotValid does.
  const site: LiteralSite = { ...s, diags: s.diags instanceof SilentDiagnostics ? s.diags : probeSink(s.diags) };
  const isEl = v.kind === 'element';
  const probe = (kind: Kind) => tryLiteral(site, v, kind, 'literal', false);
  if (isEl || v.kind === 'string') {
    const r = probe('string');
    if (r.ok) return { value: r.value, type: 'string' };
  }
  if (isEl || v.kind === 'number') {
    const r = probe('integer');
    if (r.ok) return { value: r.value, type: 'integer' };
    const d = probe('numeric');
    if (d.ok) return { value: d.value, type: 'decimal' };
  }
  if (isEl || v.kind === 'boolean') {
    const r = probe('boolean');
    if (r.ok) return { value: r.value, type: 'boolean' };
  }
  notify('literalNotValid');
  return undefined;
}

/** A singular identifier (IRI) member, e.g. Relationship `target`. */
export function parseIdentifier(s: LiteralSite, values: readonly LdValue[], rules: StringRules, requireDtmi: boolean, optional: boolean): string | undefined {
  const f = { primaryId: s.elementId, property: s.property };
  if (values.length > 1) {
    s.diags.notify('identifierMultipleValues', f);
    return undefined;
  }
  if (values.length < (optional ? 0 : 1)) s.diags.notify('identifierCountBelowMin', { ...f, count1: values.length, count2: 1 });
  const v = values[0];
  if (!v) return undefined;
  if (v.kind !== 'string') {
    s.diags.notify('identifierNotString', { ...f, ...at(v) });
    return undefined;
  }
  const uri = requireDtmi ? s.ctx.resolveDtmi(v.value) : resolveUri(s.ctx, v.value);
  if (uri === undefined) {
    s.diags.notify(requireDtmi ? 'identifierNotDtmi' : 'identifierNotUri', { ...f, value: v.value, ...at(v) });
    return undefined;
  }
  if (rules.maxLength !== undefined && uri.length > rules.maxLength) s.diags.notify('identifierTooLong', { ...f, value: uri, ...at(v) });
  if (rules.pattern && !rules.pattern.test(uri)) s.diags.notify('identifierInvalid', { ...f, value: uri, ...at(v) });
  return uri;
}

function resolveUri(ctx: ActiveContext, text: string): string | undefined {
  const d = ctx.resolveDtmi(text);
  if (d !== undefined) return d;
  if (text.startsWith('dtmi:')) return undefined;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(text)) return text;
  return undefined;
}

/** Diagnostics that forward only value-object errors (those are reported whatever the literal kind). */
function probeSink(target: Diagnostics): Diagnostics {
  const d = new SilentDiagnostics();
  d.forward = (code, f) => {
    if (code.startsWith('valueObject') || code === 'literalTypeNotSingular' || code === 'literalObjectNoValue') target.notify(code, f);
  };
  return d;
}
