/**
 * Digital Twin Model Identifiers (DTMI spec, `spec/DTMI/README.md`): general syntax with system segments
 * (leading `_`), optional `major[.minor]` version and optional fragment. DTDL narrows this per version
 * (see `VERSION_RULES` idDefinition / idReference patterns).
 */

const SEGMENT = '(?:_+[A-Za-z0-9]|[A-Za-z])(?:[A-Za-z0-9_]*[A-Za-z0-9])?';
const GENERAL_DTMI = new RegExp(
  `^dtmi:(${SEGMENT}(?::${SEGMENT})*)(?:;([1-9][0-9]{0,8})(?:\\.([1-9][0-9]{0,5}))?)?(#(?:${SEGMENT})?)?$`,
);

/** Length limit of any DTMI (DTMI spec §Syntax): 4096 characters. */
export const DTMI_MAX_LENGTH = 4096;

export interface Dtmi {
  readonly text: string;
  readonly labels: readonly string[];
  readonly majorVersion: number;
  readonly minorVersion: number;
  /** Major + minor/10^6, e.g. `;3.14` → 3.000014. */
  readonly completeVersion: number;
  /** The identifier without `;version` (fragment kept), e.g. `dtmi:foo:bar#frag`. */
  readonly versionless: string;
  /** `#frag`, `#` or ''. */
  readonly fragment: string;
  /** True when any label or the fragment is a system segment (leading underscore). */
  readonly isReserved: boolean;
}

export function parseDtmi(text: string): Dtmi | undefined {
  if (text.length > DTMI_MAX_LENGTH) return undefined;
  const m = GENERAL_DTMI.exec(text);
  if (!m) return undefined;
  const labels = (m[1] as string).split(':');
  const majorVersion = m[2] ? Number(m[2]) : 0;
  const minorVersion = m[3] ? Number(m[3]) : 0;
  const fragment = m[4] ?? '';
  return {
    text,
    labels,
    majorVersion,
    minorVersion,
    completeVersion: majorVersion + minorVersion / 1e6,
    versionless: `dtmi:${m[1]}${fragment}`,
    fragment,
    isReserved: labels.some((l) => l.startsWith('_')) || fragment.startsWith('#_'),
  };
}

export function isDtmi(text: string): boolean {
  return parseDtmi(text) !== undefined;
}

/** The identifier without its fragment. */
export function fragmentless(id: string): string {
  const i = id.indexOf('#');
  return i < 0 ? id : id.slice(0, i);
}

/** The version number of a DTMI's major version, 0 when absent. */
export function majorVersionOf(id: string): number {
  return parseDtmi(id)?.majorVersion ?? 0;
}

/**
 * Automatic identifier of a nested element (DTDL v2/v3 "Automatic Identifier Assignment"): the parent id
 * with `:_<property>` (and `:__<name>` for plural properties keyed by name) inserted before the version.
 */
export function childId(parentId: string, propName: string, secondSeg: string): string {
  const firstSeg = propName.includes(';') ? propName.slice(0, propName.indexOf(';')) : propName;
  const versionPos = parentId.indexOf(';');
  const fragmentPos = parentId.indexOf('#');
  const fragment = fragmentPos < 0 ? '' : parentId.slice(fragmentPos);
  if (versionPos < 0) {
    const base = fragmentPos < 0 ? parentId : parentId.slice(0, fragmentPos);
    return `${base}:_${firstSeg}${secondSeg}${fragment}`;
  }
  const version = fragmentPos < 0 ? parentId.slice(versionPos) : parentId.slice(versionPos, fragmentPos);
  return `${parentId.slice(0, versionPos)}:_${firstSeg}${secondSeg}${version}${fragment}`;
}
