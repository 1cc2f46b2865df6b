import { test } from 'node:test';
import assert from 'node:assert/strict';
import { en } from '../../../web/src/i18n/en.js';
import { es } from '../../../web/src/i18n/es.js';
import { I18n, interpolate, pickLanguage } from '../../../web/src/i18n/i18n.js';

test('the language: remembered choice, else the first supported browser preference, else English', () => {
  assert.equal(pickLanguage('es', ['en-US']), 'es');
  assert.equal(pickLanguage(null, ['de-DE', 'es-MX', 'en']), 'es');
  assert.equal(pickLanguage(null, ['fr', 'de']), 'en');
  assert.equal(pickLanguage('xx', ['EN-gb']), 'en');
});

test('Spanish has every English message with the same placeholders', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
  for (const key of Object.keys(en) as Array<keyof typeof en>) {
    assert.deepEqual(placeholders(es[key]), placeholders(en[key]), key);
    assert.notEqual(es[key].trim(), '', key);
  }
});

test('interpolation formats numbers and leaves unknown placeholders visible', () => {
  assert.equal(
    interpolate('{n} of {total} {unknown}', { n: 1234.5, total: 'all' }, (n) => n.toFixed(0)),
    '1235 of all {unknown}',
  );
});

test('numbers, percentages and money in the locale', () => {
  const en1 = new I18n('en');
  const es1 = new I18n('es');
  // en-GB: 1,234.5 · es-ES: 1234,5 (CLDR: Spanish groups only from five digits)
  assert.equal(en1.num(1234.5), '1,234.5');
  assert.equal(es1.num(1234.5), '1234,5');
  assert.equal(es1.num(12345.5), '12.345,5');
  assert.equal(en1.pct(0.7479), '74.8%');
  assert.equal(es1.pct(0.7479).replace(/\s/g, ' '), '74,8 %');
  assert.equal(en1.t('offline.dataFrom', { time: '14:05' }), 'Offline, data from 14:05');
  assert.equal(es1.t('offline.dataFrom', { time: '14:05' }), 'Sin conexión, datos de las 14:05');
});
