/**
 * Texts for explanations and recommendations as message keys with parameters, rendered in English
 * or Spanish (the web app is bilingual). The API returns key, params and the rendered text, so a
 * client may also render the key itself.
 */
export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Message {
  readonly key: string;
  readonly params: Readonly<Record<string, string | number>>;
}

type Catalogue = Readonly<Record<string, string>>;

const EN: Catalogue = {
  'pdm.signal.vibration': 'vibration',
  'pdm.signal.vibrationHighBand': 'high-band (bearing) vibration',
  'pdm.signal.temperature': 'temperature under load',
  'pdm.signal.power': 'power draw',
  'pdm.signal.pressure': 'supply pressure while running',
  'pdm.signal.pressureAtRest': 'supply pressure at rest',
  'pdm.signal.cycleTime': 'cycle time',
  'pdm.explain.level': '{signal} at {value} {unit} (last 6 h)',
  'pdm.explain.devUp': '{signal} {pct}% above its 14-day median',
  'pdm.explain.devDown': '{signal} {pct}% below its 14-day median',
  'pdm.explain.devUpAbs': '{signal} {delta} {unit} above its 14-day median',
  'pdm.explain.devDownAbs': '{signal} {delta} {unit} below its 14-day median',
  'pdm.explain.rising': '{signal} rising {pct}% per day (last {window})',
  'pdm.explain.falling': '{signal} falling {pct}% per day (last {window})',
  'pdm.explain.risingAbs': '{signal} rising {delta} {unit} per day (last {window})',
  'pdm.explain.fallingAbs': '{signal} falling {delta} {unit} per day (last {window})',
  'pdm.explain.projUp': '{signal} on course to be {pct}% above its 14-day median in 3 days',
  'pdm.explain.projDown': '{signal} on course to be {pct}% below its 14-day median in 3 days',
  'pdm.explain.projUpAbs': '{signal} on course to be {delta} {unit} above its 14-day median in 3 days',
  'pdm.explain.projDownAbs': '{signal} on course to be {delta} {unit} below its 14-day median in 3 days',
  'pdm.explain.scrapRate': 'scrap rate {pct}% over the last {hours} h',
  'pdm.explain.runningShare': 'running {pct}% of the last {hours} h',
  'pdm.explain.minorStops': '{count} minor stops in the last {hours} h',
  'pdm.explain.hoursSince.maintenance': '{hours} h since the last maintenance',
  'pdm.explain.hoursSince.plannedMaintenance': '{hours} h since the last planned maintenance window',
  'pdm.explain.hoursUntil.plannedMaintenance': 'next planned maintenance window in {hours} h',
  'pdm.explain.age': '{signal} has been drifting for about {days} days at today’s rate',
  'pdm.explain.anomalyMax': 'anomaly score up to {value} in the last {hours} h',
  'pdm.explain.anomalyCount': '{count} anomalous readings in the last {hours} h',
  'pdm.window.1d': '24 h',
  'pdm.window.3d': '3 days',
  'pdm.window.7d': '7 days',
  'pdm.component.spindle': 'spindle',
  'pdm.component.axisMotor': 'axis motor',
  'pdm.component.drive': 'drive',
  'pdm.component.machine': 'machine',
  'pdm.circuit.coolant': 'coolant',
  'pdm.circuit.gripperAir': 'gripper air',
  'pdm.circuit.fixtureAir': 'fixture air',
  'pdm.circuit.air': 'compressed air',
  'pdm.due.hours': '{n} hours',
  'pdm.due.days': '{n} days',
  'pdm.due.day': '1 day',
  'pdm.action.bearingWear': 'Replace the {component} bearing of {machine} within {due}',
  'pdm.action.pressureLeak': 'Find and repair the {circuit} leak on {machine} within {due}',
  'pdm.action.overheating': 'Service the cooling circuit of {machine} within {due}',
  'pdm.action.toolWear': 'Change the cutting tool of {machine} within {due}',
  'pdm.action.other': 'Inspect {machine} for {mode} within {due}',
};

const ES: Catalogue = {
  'pdm.signal.vibration': 'la vibración',
  'pdm.signal.vibrationHighBand': 'la vibración de alta frecuencia (rodamientos)',
  'pdm.signal.temperature': 'la temperatura bajo carga',
  'pdm.signal.power': 'el consumo eléctrico',
  'pdm.signal.pressure': 'la presión de suministro en marcha',
  'pdm.signal.pressureAtRest': 'la presión de suministro en reposo',
  'pdm.signal.cycleTime': 'el tiempo de ciclo',
  'pdm.explain.level': '{signal} en {value} {unit} (últimas 6 h)',
  'pdm.explain.devUp': '{signal} un {pct} % por encima de su mediana de 14 días',
  'pdm.explain.devDown': '{signal} un {pct} % por debajo de su mediana de 14 días',
  'pdm.explain.devUpAbs': '{signal} {delta} {unit} por encima de su mediana de 14 días',
  'pdm.explain.devDownAbs': '{signal} {delta} {unit} por debajo de su mediana de 14 días',
  'pdm.explain.rising': '{signal} sube un {pct} % al día (últimos {window})',
  'pdm.explain.falling': '{signal} baja un {pct} % al día (últimos {window})',
  'pdm.explain.risingAbs': '{signal} sube {delta} {unit} al día (últimos {window})',
  'pdm.explain.fallingAbs': '{signal} baja {delta} {unit} al día (últimos {window})',
  'pdm.explain.projUp': '{signal} camino de estar un {pct} % por encima de su mediana de 14 días en 3 días',
  'pdm.explain.projDown': '{signal} camino de estar un {pct} % por debajo de su mediana de 14 días en 3 días',
  'pdm.explain.projUpAbs': '{signal} camino de estar {delta} {unit} por encima de su mediana de 14 días en 3 días',
  'pdm.explain.projDownAbs': '{signal} camino de estar {delta} {unit} por debajo de su mediana de 14 días en 3 días',
  'pdm.explain.scrapRate': 'tasa de rechazo del {pct} % en las últimas {hours} h',
  'pdm.explain.runningShare': 'en marcha el {pct} % de las últimas {hours} h',
  'pdm.explain.minorStops': '{count} microparadas en las últimas {hours} h',
  'pdm.explain.hoursSince.maintenance': '{hours} h desde el último mantenimiento',
  'pdm.explain.hoursSince.plannedMaintenance': '{hours} h desde la última ventana de mantenimiento planificado',
  'pdm.explain.hoursUntil.plannedMaintenance': 'próxima ventana de mantenimiento planificado en {hours} h',
  'pdm.explain.age': '{signal} lleva unos {days} días desviándose al ritmo de hoy',
  'pdm.explain.anomalyMax': 'puntuación de anomalía de hasta {value} en las últimas {hours} h',
  'pdm.explain.anomalyCount': '{count} lecturas anómalas en las últimas {hours} h',
  'pdm.window.1d': '24 h',
  'pdm.window.3d': '3 días',
  'pdm.window.7d': '7 días',
  'pdm.component.spindle': 'husillo',
  'pdm.component.axisMotor': 'motor del eje',
  'pdm.component.drive': 'accionamiento',
  'pdm.component.machine': 'equipo',
  'pdm.circuit.coolant': 'refrigerante',
  'pdm.circuit.gripperAir': 'aire de la pinza',
  'pdm.circuit.fixtureAir': 'aire del utillaje',
  'pdm.circuit.air': 'aire comprimido',
  'pdm.due.hours': '{n} horas',
  'pdm.due.days': '{n} días',
  'pdm.due.day': '1 día',
  'pdm.action.bearingWear': 'Sustituir el rodamiento del {component} de {machine} en un plazo de {due}',
  'pdm.action.pressureLeak': 'Localizar y reparar la fuga de {circuit} de {machine} en un plazo de {due}',
  'pdm.action.overheating': 'Revisar el circuito de refrigeración de {machine} en un plazo de {due}',
  'pdm.action.toolWear': 'Cambiar la herramienta de corte de {machine} en un plazo de {due}',
  'pdm.action.other': 'Inspeccionar {machine} por {mode} en un plazo de {due}',
};

const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en: EN, es: ES };

/** Every key, for the test that both languages define the same set. */
export function messageKeys(lang: Language): string[] {
  return Object.keys(CATALOGUES[lang]).sort();
}

export function isLanguage(s: unknown): s is Language {
  return typeof s === 'string' && (LANGUAGES as readonly string[]).includes(s);
}

/**
 * Renders `key` with `params`. A parameter whose value is itself a message key (starts with `pdm.`)
 * is rendered first, so "{signal}" can carry `pdm.signal.vibration`. Unknown keys render as the key.
 */
export function render(msg: Message, lang: Language, depth = 0): string {
  const cat = CATALOGUES[lang];
  const template = cat[msg.key] ?? msg.key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = msg.params[name];
    if (v === undefined) return whole;
    // A nested key shares the parameters ("{due}" → "{n} days"); two levels are all texts need.
    if (typeof v === 'string' && v.startsWith('pdm.')) return depth < 2 && cat[v] !== undefined ? render({ key: v, params: msg.params }, lang, depth + 1) : v;
    return typeof v === 'number' ? formatNumber(v, lang) : v;
  });
}

function formatNumber(v: number, lang: Language): string {
  return new Intl.NumberFormat(lang === 'es' ? 'es-ES' : 'en-GB', { maximumFractionDigits: Math.abs(v) >= 10 ? 0 : 2 }).format(v);
}

/** Picks a language from an Accept-Language header or `?lang=`; English by default. */
export function pickLanguage(header: string | undefined): Language {
  if (!header) return 'en';
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase().slice(0, 2);
    if (isLanguage(tag)) return tag;
  }
  return 'en';
}
