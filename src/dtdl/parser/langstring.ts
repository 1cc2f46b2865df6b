/**
 * Localizable strings (DTDL v3 §"Localizable string"): a language map `{"en": "…"}`, a plain string (the
 * default language), or an array of strings and `{"@value", "@language"}` objects with unique languages.
 */
import type { LdElement, LdProperty, LdValue } from '../jsonld/ld.js';
import { at, type LiteralSite, type StringRules } from './literals.js';

/** BCP 47 subset the reference parser accepts: language, optional script, optional region. */
export const LANGUAGE_CODE = /^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/;

/** A localizable string member (`displayName`, `description`): language → text. */
export function parseLangString(s: LiteralSite, prop: LdProperty, defaultLang: string, rules: StringRules): Record<string, string> {
  const first = prop.values[0];
  if (!prop.plural && first?.kind === 'element') return fromLanguageMap(s, first.element, rules);
  const dict: Record<string, string> = {};
  const seen = new Set<string>();
  for (const v of prop.values) {
    const f = { primaryId: s.elementId, property: s.property, ...at(v) };
    if (v.kind !== 'string' && v.kind !== 'element') {
      s.diags.notify('langStringElementNotStringOrObject', f);
      continue;
    }
    let code = defaultLang;
    let text: string | undefined;
    if (v.kind === 'string') text = v.value;
    else {
      const e = v.element;
      if (e.language !== undefined) {
        if (e.language === '') {
          s.diags.notify('langStringElementCodeNotString', f);
          continue;
        }
        code = e.language;
        if (!LANGUAGE_CODE.test(code)) s.diags.notify('langStringElementInvalidCode', { ...f, value: code });
      }
      if (!e.value) s.diags.notify('langStringElementNoValue', f);
      else if (e.value.kind !== 'string') {
        s.diags.notify('langStringElementValueNotString', f);
        continue;
      } else text = e.value.value;
      if (e.context) s.diags.notify('langStringElementContext', f);
      if (e.id !== undefined) s.diags.notify('langStringElementId', f);
      if (e.graph) s.diags.notify('langStringElementGraph', f);
      if (s.ctx.restrictKeywords) {
        if (e.types) s.diags.notify('langStringElementType', f);
        for (const k of e.keywords) s.diags.notify('langStringElementKeyword', { ...f, value: k });
      }
      for (const p of e.properties) s.diags.notify('langStringElementInvalidProp', { ...f, value: p.name });
    }
    if (text !== undefined) langChecks(s, v, text, rules);
    if (seen.has(code)) s.diags.notify('langStringElementCodeNotUnique', { ...f, value: code });
    else {
      seen.add(code);
      if (text !== undefined) dict[code] = text;
    }
  }
  return dict;
}

function langChecks(s: LiteralSite, v: LdValue, text: string, rules: StringRules): void {
  const f = { primaryId: s.elementId, property: s.property, value: text, ...at(v) };
  if (rules.maxLength !== undefined && text.length > rules.maxLength) s.diags.notify('langStringValueTooLong', { ...f, count2: rules.maxLength });
  if (rules.pattern && !rules.pattern.test(text)) s.diags.notify('langStringValueInvalid', f);
}

function fromLanguageMap(s: LiteralSite, e: LdElement, rules: StringRules): Record<string, string> {
  const f = { primaryId: s.elementId, property: s.property, ...at(e) };
  if (e.language !== undefined && e.value?.kind === 'string' && e.propertyCount === 2) {
    s.diags.notify('langTagValueInLangMap', f);
  } else {
    if (e.language !== undefined) s.diags.notify('langMapObjKeyword', { ...f, value: '@language' });
    if (e.value) s.diags.notify('langMapObjKeyword', { ...f, value: '@value' });
  }
  if (e.context) s.diags.notify('langMapObjKeyword', { ...f, value: '@context' });
  if (e.id !== undefined) s.diags.notify('langMapObjKeyword', { ...f, value: '@id' });
  if (e.types) s.diags.notify('langMapObjKeyword', { ...f, value: '@type' });
  if (e.graph) s.diags.notify('langMapObjKeyword', { ...f, value: '@graph' });
  for (const k of e.keywords) s.diags.notify('langMapObjKeyword', { ...f, value: k });
  const dict: Record<string, string> = {};
  for (const p of e.properties) {
    const pf = { primaryId: s.elementId, property: s.property, value: p.name, ...at(p) };
    if (!LANGUAGE_CODE.test(p.name)) s.diags.notify('langStringInvalidCode', pf);
    const only = p.values[0];
    let text: string | undefined;
    if (p.values.length !== 1 || p.plural || only?.kind !== 'string') s.diags.notify('langStringValueNotString', pf);
    else {
      text = only.value;
      langChecks(s, only, text, rules);
    }
    if (p.name in dict) s.diags.notify('langStringCodeNotUnique', pf);
    else if (text !== undefined) dict[p.name] = text;
  }
  return dict;
}
