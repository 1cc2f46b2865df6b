/**
 * Messages and formats in the user's language. The language comes from the choice the user made
 * (remembered), else the browser's preference list, else English. Numbers, dates and units go
 * through Intl in the chosen locale.
 */
import { en, type MessageKey } from './en.js';
import { es } from './es.js';

export const LANGUAGES = ['en', 'es'] as const;
export type Lang = (typeof LANGUAGES)[number];
export type { MessageKey };

const CATALOGUES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { en, es };

/** The first supported primary language subtag (BCP 47) among the candidates. */
export function pickLanguage(stored: string | null | undefined, preferred: readonly string[]): Lang {
  for (const tag of [stored ?? '', ...preferred]) {
    const primary = tag.toLowerCase().split('-')[0] as Lang;
    if ((LANGUAGES as readonly string[]).includes(primary)) return primary;
  }
  return 'en';
}

/** `{name}` placeholders; numbers in params are formatted in the locale. */
export function interpolate(template: string, params: Readonly<Record<string, string | number>>, formatNumber: (n: number) => string): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? formatNumber(v) : v;
  });
}

export class I18n {
  private listeners = new Set<() => void>();
  private numberFmt!: Intl.NumberFormat;

  /**
   * `browserLanguages`: navigator.languages, so formats keep the user's region (es-MX stays es-MX).
   * Passed in rather than read here, so this file runs outside a browser (tests).
   */
  constructor(
    private current: Lang,
    private readonly browserLanguages: readonly string[] = [],
    private readonly timeZone?: string,
  ) {
    this.rebuild();
  }

  get lang(): Lang {
    return this.current;
  }

  /** The BCP 47 locale used for formats: the browser's own when it speaks this language. */
  get locale(): string {
    return this.browserLanguages.find((l) => l.toLowerCase().split('-')[0] === this.current) ?? (this.current === 'es' ? 'es-ES' : 'en-GB');
  }

  set(lang: Lang): void {
    if (lang === this.current) return;
    this.current = lang;
    this.rebuild();
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  t(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
    return interpolate(CATALOGUES[this.current][key] ?? en[key], params, (n) => this.numberFmt.format(n));
  }

  num(value: number, digits = 1): string {
    return new Intl.NumberFormat(this.locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
  }

  /** A 0..1 fraction as a percentage; an unknown figure shows as a dash, never as 0 %. */
  pct(fraction: number | undefined, digits = 1): string {
    if (fraction === undefined || !Number.isFinite(fraction)) return '—';
    return new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(fraction);
  }

  money(value: number, currency: string): string {
    return new Intl.NumberFormat(this.locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);
  }

  /** A value with a unit symbol (kW, bar, mm/s, °C): Intl has no unit style for most of these. */
  unit(value: number, unit: string, digits = 1): string {
    return `${this.num(value, digits)} ${unit}`;
  }

  time(ms: number): string {
    return new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit', ...(this.timeZone ? { timeZone: this.timeZone } : {}) }).format(ms);
  }

  dateTime(ms: number): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short', ...(this.timeZone ? { timeZone: this.timeZone } : {}) }).format(ms);
  }

  date(ms: number): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', ...(this.timeZone ? { timeZone: this.timeZone } : {}) }).format(ms);
  }

  private rebuild(): void {
    this.numberFmt = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 2 });
  }
}
