import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAzureTask, timeSplit } from './azure.js';

const table = (header: string[], rows: string[][]) => ({ header, rows });

// One machine. Errors: error1 on Jan 1 10:00 and Jan 9 05:00, error2 on Jan 9 06:00.
// Maintenance: comp1 on Jan 2 06:00. Failure: comp2 on Jan 10 06:00.
const records = {
  machines: table(['machineID', 'model', 'age'], [['1', 'model3', '18']]),
  errors: table(['datetime', 'machineID', 'errorID'], [
    ['2015-01-01 10:00:00', '1', 'error1'],
    ['2015-01-09 05:00:00', '1', 'error1'],
    ['2015-01-09 06:00:00', '1', 'error2'],
  ]),
  maint: table(['datetime', 'machineID', 'comp'], [
    ['2015-01-02 06:00:00', '1', 'comp1'],
    ['2015-01-10 06:00:00', '1', 'comp2'],
  ]),
  failures: table(['datetime', 'machineID', 'failure'], [['2015-01-10 06:00:00', '1', 'comp2']]),
};

test('Azure task: features look only backwards, labels only forwards, by hand', () => {
  const task = buildAzureTask(records, { stepHours: 3, horizonHours: 24 });
  const col = (name: string) => task.table.columns.indexOf(name);
  const at = (iso: string) => task.time.indexOf(Date.parse(`${iso}Z`));
  // Grid starts 7 days after the first error's midnight (Jan 8 00:00) and ends 24 h before the last record.
  assert.equal(task.time[0], Date.parse('2015-01-08T00:00:00Z'));
  assert.equal(task.time[task.time.length - 1], Date.parse('2015-01-09T06:00:00Z'));
  const i = at('2015-01-09T06:00:00');
  const row = task.table.rows[i]!;
  assert.equal(row[col('error1_24h')], 1);
  assert.equal(row[col('error2_24h')], 1, 'an error at exactly t is visible at t');
  assert.equal(row[col('errors_7d')], 2, 'Jan 1 10:00 is more than 7 days before');
  assert.equal(row[col('error1_72h')], 1);
  assert.equal(row[col('hours_since_comp1')], 7 * 24, 'comp1 replaced Jan 2 06:00');
  // comp2 was never replaced before t: censored at the start of the logs (Jan 1 10:00).
  assert.equal(row[col('hours_since_comp2')], 8 * 24 - 4);
  assert.equal(task.labels[i], 1, 'failure Jan 10 06:00 is exactly t + 24 h: inside (t, t + 24 h]');
  assert.equal(task.labels[at('2015-01-09T03:00:00')], 0, 't + 27 h is outside the horizon');
  assert.equal(task.labels.reduce((a, b) => a + b, 0), 1, 'only the last grid point sees the failure');
  assert.equal(task.table.rows[at('2015-01-09T03:00:00')]![col('error2_24h')], 0, 'the error at 06:00 is not yet visible at 03:00');
});

test('a gap shifts the label window; the time split keeps label windows out of the test period', () => {
  // Gap 12 h, horizon 12 h: label window (t + 12 h, t + 24 h]; the failure is on Jan 10 06:00.
  const task = buildAzureTask(records, { stepHours: 3, horizonHours: 12, gapHours: 12 });
  const at = (iso: string) => task.time.indexOf(Date.parse(`${iso}Z`));
  assert.equal(task.time[task.time.length - 1], Date.parse('2015-01-09T06:00:00Z'));
  assert.equal(task.labels[at('2015-01-09T06:00:00')], 1, 'failure exactly t + 24 h is inside');
  assert.equal(task.labels[at('2015-01-09T03:00:00')], 0, 't + 27 h is outside');

  const plain = buildAzureTask(records, { stepHours: 3, horizonHours: 24 });
  const { train, test: held } = timeSplit(plain, Date.parse('2015-01-09T03:00:00Z'));
  // Training rows need t + 24 h < split → only Jan 8 00:00; test rows are t ≥ split.
  assert.deepEqual(Array.from(train, (i) => new Date(plain.time[i]!).toISOString()), ['2015-01-08T00:00:00.000Z']);
  assert.deepEqual(Array.from(held, (i) => new Date(plain.time[i]!).toISOString()), ['2015-01-09T03:00:00.000Z', '2015-01-09T06:00:00.000Z']);
});
