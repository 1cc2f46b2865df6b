/**
 * Active context (DTDL v3 §Context): the DTDL context plus extension ("affiliate") contexts in scope for an
 * element, merged from its ancestors; the last value for a de-versioned context wins. Terms resolve to
 * DTMIs through it; unknown extension contexts make the context "incomplete" when tolerated.
 */
import { CONTEXTS, LIMIT_CONTEXTS } from '../generated/contexts.js';
import { AFFILIATE_IMPLICIT_VERSIONS, RESERVED_ID_PREFIXES, VERSION_RULES } from '../generated/classes.js';
import { parseDtmi } from '../dtmi.js';
import type { Diagnostics } from '../diagnostics.js';
import type { LdContextComponent, LdElement } from './ld.js';

const DTDL_CONTEXT_PREFIX = 'dtmi:dtdl:context;';

export interface VersionedContext {
  /** e.g. `dtmi:dtdl:extension:quantitativeTypes;1` */
  readonly id: string;
  readonly versionless: string;
  readonly major: number;
  readonly minor: number;
  readonly terms: Readonly<Record<string, string>>;
  readonly reservedPrefixes: readonly string[];
}

/** How to treat extension contexts the parser does not know (parser option). */
export type UndefinedExtensionPolicy = 'always' | 'never' | 'default';

const known = new Map<string, VersionedContext[]>();
for (const [cid, terms] of Object.entries(CONTEXTS)) {
  if (cid in LIMIT_CONTEXTS) continue;
  const d = parseDtmi(cid);
  if (!d) continue;
  const vc: VersionedContext = {
    id: cid,
    versionless: d.versionless,
    major: d.majorVersion,
    minor: d.minorVersion,
    terms,
    reservedPrefixes: RESERVED_ID_PREFIXES[cid] ?? [],
  };
  const list = known.get(d.versionless) ?? [];
  list.push(vc);
  known.set(d.versionless, list);
}

function matching(versionless: string, major: number, minor: number): VersionedContext | undefined {
  return known.get(versionless)?.find((c) => c.major === major && c.minor >= minor);
}

export function isIdReferenceValid(id: string, version: number): boolean {
  const r = VERSION_RULES[String(version)];
  if (!r) return true;
  return id.length <= r.idReference.maxLength && patternFor(r.idReference.pattern).test(id);
}

const patternCache = new Map<string, RegExp>();
export function patternFor(p: string): RegExp {
  let re = patternCache.get(p);
  if (!re) {
    re = new RegExp(p);
    patternCache.set(p, re);
  }
  return re;
}

export interface ContextOptions {
  readonly undefinedExtensions: UndefinedExtensionPolicy;
  readonly maxDtdlVersion?: number;
}

export class ActiveContext {
  private constructor(
    readonly options: ContextOptions,
    readonly dtdl: VersionedContext | undefined,
    readonly affiliates: ReadonlyMap<string, VersionedContext>,
    readonly unrecognized: ReadonlySet<string>,
  ) {}

  static root(options: ContextOptions): ActiveContext {
    return new ActiveContext(options, undefined, new Map(), new Set());
  }

  get version(): number {
    return this.dtdl?.major ?? 0;
  }

  /** All context specifiers were recognised (no undefined extensions in scope). */
  get isComplete(): boolean {
    return this.unrecognized.size === 0;
  }

  get restrictKeywords(): boolean {
    return VERSION_RULES[String(this.version)]?.restrictKeywords ?? false;
  }

  private allowUndefined(version: number): boolean {
    switch (this.options.undefinedExtensions) {
      case 'always':
        return true;
      case 'never':
        return false;
      case 'default':
        return VERSION_RULES[String(version)]?.allowsUndefinedExtensionsByDefault ?? false;
    }
  }

  isReserved(id: string): boolean {
    if (this.dtdl?.reservedPrefixes.some((p) => id.startsWith(p))) return true;
    for (const a of this.affiliates.values()) if (a.reservedPrefixes.some((p) => id.startsWith(p))) return true;
    return false;
  }

  reservedPrefixes(): string[] {
    const out = [...(this.dtdl?.reservedPrefixes ?? [])];
    for (const a of this.affiliates.values()) out.push(...a.reservedPrefixes);
    return out;
  }

  /** The context in force for an element: this one merged with the element's own `@context`. */
  child(elt: LdElement, diags: Diagnostics): ActiveContext {
    const where = { path: elt.node.path, line: elt.node.line };
    if (!elt.context) {
      if (!this.dtdl) diags.quit('missingContext', where);
      return this;
    }
    if (elt.context.length === 0) {
      if (!this.dtdl) diags.quit('emptyContext', where);
      return this;
    }
    return this.childFromComponents(elt.context, diags);
  }

  private childFromComponents(comps: readonly LdContextComponent[], diags: Diagnostics): ActiveContext {
    let dtdl = this.dtdl;
    let start = 0;
    const preface = new Map<string, VersionedContext>();
    // Affiliate contexts that imply a DTDL version (e.g. IoT Central's) may precede the DTDL context.
    for (; start < comps.length; start++) {
      const c = comps[start]!;
      if (c.local) break;
      const implicit = AFFILIATE_IMPLICIT_VERSIONS[c.id];
      if (implicit === undefined) break;
      const a = this.affiliate(c, implicit, diags);
      if (a) preface.set(a.versionless, a);
    }
    for (; start < comps.length; start++) {
      const c = comps[start]!;
      if (c.local || !c.id.startsWith(DTDL_CONTEXT_PREFIX)) break;
      dtdl = this.dtdlContext(c, diags);
    }
    const first = comps[0]!;
    if (!dtdl) diags.quit('missingDtdlContext', { path: first.node.path, line: first.node.line });
    let end = comps.length - 1;
    const last = comps[end]!;
    if (last.local) {
      // No DTDL version allows local term definitions (digest: dtdlVersionsAllowingLocalTerms = []).
      diags.quit('disallowedLocalContext', { path: last.node.path, line: last.node.line, restriction: String(dtdl.major) });
    }
    let affiliates: Map<string, VersionedContext> | ReadonlyMap<string, VersionedContext> = this.affiliates;
    let unrecognized: Set<string> | ReadonlySet<string> = this.unrecognized;
    if (start <= end || preface.size > 0) {
      const a = new Map(this.affiliates);
      for (const [k, v] of preface) a.set(k, v);
      const u = new Set(this.unrecognized);
      const child = new ActiveContext(this.options, dtdl, a, u);
      for (let i = start; i <= end; i++) {
        const c = comps[i]!;
        const vc = child.affiliate(c, dtdl.major, diags);
        if (vc) a.set(vc.versionless, vc);
        else if (!c.local) u.add(c.id);
      }
      affiliates = a;
      unrecognized = u;
    }
    return new ActiveContext(this.options, dtdl, affiliates, unrecognized);
  }

  private dtdlContext(c: { id: string; node: LdContextComponent['node'] }, diags: Diagnostics): VersionedContext {
    const where = { path: c.node.path, line: c.node.line, value: c.id };
    const d = parseDtmi(c.id);
    if (!d) return diags.quit('invalidContextSpecifier', where);
    if (d.fragment !== '' && d.fragment !== '#limitless' && d.fragment !== '#limits') diags.quit('invalidContextFragment', where);
    // Limit fragments are a DTDL v4 feature (digest: dtdlVersionsAllowingCustomLimits = [4]).
    if (d.majorVersion !== 4 && d.fragment !== '') diags.quit('disallowedContextFragment', { ...where, restriction: String(d.majorVersion) });
    if (d.majorVersion === 0) diags.quit('missingContextVersion', where);
    if (d.fragment === '#limits') diags.quit('misplacedLimitContext', where);
    const vc = matching(d.versionless.replace(/#.*$/, ''), d.majorVersion, d.minorVersion);
    if (!vc) return diags.quit('unrecognizedContextVersion', { ...where, restriction: '2, 3, 4' });
    const max = this.options.maxDtdlVersion;
    if (max !== undefined && d.majorVersion > max) diags.quit('disallowedContextVersion', { ...where, restriction: String(max) });
    const bare = c.id.replace(/#.*$/, '');
    if (!isIdReferenceValid(bare, d.majorVersion)) diags.quit('invalidContextSpecifierForVersion', { ...where, restriction: String(d.majorVersion) });
    return vc;
  }

  private affiliate(c: LdContextComponent, version: number, diags: Diagnostics): VersionedContext | undefined {
    if (c.local) return diags.quit('localContextNotLast', { path: c.node.path, line: c.node.line });
    const where = { path: c.node.path, line: c.node.line, value: c.id };
    if (c.id.startsWith(DTDL_CONTEXT_PREFIX)) diags.quit('dtdlContextFollowsAffiliate', where);
    if (!c.id.startsWith('dtmi:')) diags.quit('nonDtmiContextSpecifier', where);
    const d = parseDtmi(c.id);
    if (!d || d.fragment !== '') return diags.quit('invalidContextSpecifier', where);
    if (!isIdReferenceValid(c.id, version)) diags.quit('invalidContextSpecifierForVersion', { ...where, restriction: String(version) });
    if (d.majorVersion === 0) diags.quit('missingContextVersion', where);
    const allow = this.allowUndefined(version);
    if (!known.has(d.versionless) || c.id in LIMIT_CONTEXTS) {
      if (!allow) diags.quit('unresolvableContextSpecifier', where);
      return undefined;
    }
    const vc = matching(d.versionless, d.majorVersion, d.minorVersion);
    if (!vc) {
      if (!allow) diags.quit('unresolvableContextVersion', where);
      return undefined;
    }
    return vc;
  }

  /** Resolves a term or DTMI to a DTMI valid for this context's DTDL version. */
  resolveDtmi(uriOrTerm: string): string | undefined {
    if (uriOrTerm.startsWith('dtmi:')) return isIdReferenceValid(uriOrTerm, this.version) ? uriOrTerm : undefined;
    if (uriOrTerm.includes(':')) return undefined;
    const fromDtdl = this.dtdl?.terms[uriOrTerm];
    if (fromDtdl !== undefined) return fromDtdl.startsWith('dtmi:') ? fromDtdl : undefined;
    for (const a of this.affiliates.values()) {
      const t = a.terms[uriOrTerm];
      if (t !== undefined) return t.startsWith('dtmi:') ? t : undefined;
    }
    return undefined;
  }
}

/** Term for a DTMI in the known DTDL / extension contexts, else the DTMI itself (for messages). */
export function termOrUri(uri: string): string {
  if (!reverseTerms) {
    reverseTerms = new Map();
    for (const terms of Object.values(CONTEXTS)) {
      for (const [t, u] of Object.entries(terms)) if (!reverseTerms.has(u)) reverseTerms.set(u, t);
    }
  }
  return reverseTerms.get(uri) ?? uri;
}
let reverseTerms: Map<string, string> | undefined;
