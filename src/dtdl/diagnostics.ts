/**
 * Parsing errors. Codes are the suffixes of the DTDLParser ValidationIDs (`dtmi:dtdl:parsingError:<code>`)
 * so that results can be compared with the official test corpus. Messages are rendered from the
 * cause/action templates of the same project (generated/messages.ts).
 */
import { MESSAGE_TEMPLATES } from './generated/messages.js';
import { RULES } from './rules.js';

export interface DtdlError {
  /** ValidationID suffix, e.g. `invalidId`. */
  readonly code: string;
  /** The top-level Interface whose document holds the problem, when known. */
  readonly modelId?: string;
  /** The element the problem is about. */
  readonly primaryId?: string;
  readonly secondaryId?: string;
  readonly property?: string;
  readonly value?: string;
  /** JSON path inside the document, e.g. `$[0].contents[2].schema`. */
  readonly path?: string;
  /** Index of the document in the input list (resolver documents: its DTMI in `sourceDtmi`). */
  readonly documentIndex?: number;
  readonly sourceDtmi?: string;
  readonly line?: number;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /** The spec sentence broken, where known. */
  readonly rule?: string;
  /** Spec section, where known. */
  readonly section?: string;
}

/** Fields an error site can fill in; the template placeholders use the same names. */
export interface ErrorFields {
  primaryId?: string | undefined;
  secondaryId?: string | undefined;
  property?: string | undefined;
  auxProperty?: string | undefined;
  value?: string | undefined;
  type?: string | undefined;
  restriction?: string | undefined;
  transformation?: string | undefined;
  count1?: number | undefined;
  count2?: number | undefined;
  /** Where: a JSON path and line. */
  path?: string | undefined;
  line?: number | undefined;
  /** Overrides the source document of the current scope (e.g. errors about another document). */
  documentIndex?: number | undefined;
  sourceDtmi?: string | undefined;
}

/** Thrown to stop parsing at once (the reference parser's "Quit"). */
export class QuitSignal extends Error {
  constructor() {
    super('parsing stopped');
  }
}

export interface SourceScope {
  readonly documentIndex?: number;
  readonly sourceDtmi?: string;
  readonly modelId?: string;
}

export class Diagnostics {
  readonly errors: DtdlError[] = [];
  /** Legal but discouraged usage (spec SHOULD / RECOMMENDED, deprecations). */
  readonly warnings: DtdlError[] = [];
  scope: SourceScope = {};

  warn(code: string, f: ErrorFields = {}): void {
    this.warnings.push(buildError(code, f, this.scope));
  }

  get any(): boolean {
    return this.errors.length > 0;
  }

  notify(code: string, f: ErrorFields = {}): void {
    this.errors.push(buildError(code, f, this.scope));
  }

  quit(code: string, f: ErrorFields = {}): never {
    this.notify(code, f);
    throw new QuitSignal();
  }

  throwIfAny(): void {
    if (this.any) throw new QuitSignal();
  }
}

function buildError(code: string, f: ErrorFields, scope: SourceScope): DtdlError {
  const rule = RULES[code];
  const e: Record<string, unknown> = { code, message: renderMessage(code, f) };
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== null) e[k] = v;
  };
  put('modelId', scope.modelId);
  put('primaryId', f.primaryId);
  put('secondaryId', f.secondaryId);
  put('property', f.property);
  put('value', f.value);
  put('path', f.path);
  put('documentIndex', f.documentIndex ?? (f.sourceDtmi ? undefined : scope.documentIndex));
  put('sourceDtmi', f.sourceDtmi ?? scope.sourceDtmi);
  put('line', f.line);
  put('rule', rule?.rule);
  put('section', rule?.section);
  return e as unknown as DtdlError;
}

const plural = (n: number | undefined, one: string, many: string) => (n === 1 ? one : many);

/** Fills a cause/action template; unknown placeholders (source lines, layers) are dropped. */
const WARNINGS: Readonly<Record<string, (f: ErrorFields) => string>> = {
  memberNameAsDtmi: (f) => `${f.primaryId ?? 'Element'} names member '${f.property}' by its DTMI '${f.value}'; the term '${f.property}' is RECOMMENDED.`,
  deprecatedCommandType: (f) => `${f.primaryId ?? 'Command'} uses 'commandType', which is deprecated; remove it.`,
};

export function renderMessage(code: string, f: ErrorFields): string {
  const w = WARNINGS[code];
  if (w) return w(f);
  const t = MESSAGE_TEMPLATES[code];
  if (!t) return `${code}${f.primaryId ? ` in ${f.primaryId}` : ''}${f.property ? ` (property '${f.property}')` : ''}`;
  const fill = (s: string) =>
    s.replace(/\{([A-Za-z0-9]+)(?::([a-z]))?\}/g, (_all, name: string, fmt: string | undefined) => {
      switch (name) {
        case 'primaryId':
        case 'secondaryId': {
          const id = name === 'primaryId' ? f.primaryId : f.secondaryId;
          if (!id) return fmt === 'e' ? '' : name === 'primaryId' ? 'Element' : 'element';
          if (fmt === 'e') return ` '${id}'`;
          if (fmt === 'p') return `'${id}'`;
          return `'${id}'`;
        }
        case 'property':
        case 'auxProperty':
        case 'value':
        case 'type':
        case 'restriction':
        case 'transformation': {
          const v = f[name as keyof ErrorFields];
          return v === undefined ? '' : String(v);
        }
        case 'count1':
          return String(f.count1 ?? '');
        case 'count2':
          return String(f.count2 ?? '');
        case 'item1':
          return plural(f.count1, 'value', 'values');
        case 'item2':
          return plural(f.count2, 'value', 'values');
        case 'verb1':
          return plural(f.count1, 'is', 'are');
        case 'verb2':
          return plural(f.count2, 'is', 'are');
        default:
          return '';
      }
    });
  return `${fill(t.cause)} ${fill(t.action)}`.replace(/\s+/g, ' ').trim();
}

/** Collects nothing (or forwards selectively): used when probing alternatives that must not report. */
export class SilentDiagnostics extends Diagnostics {
  forward: ((code: string, f: ErrorFields) => void) | undefined;
  override notify(code: string, f: ErrorFields = {}): void {
    this.forward?.(code, f);
  }
}
