import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PERMISSIONS as SERVER } from '../../auth/index.js';
import { can, PERMISSIONS, viewsFor } from '../../../web/src/auth/permissions.js';
import { toTwinChange } from '../../../web/src/lib/twin-events.js';
import { normaliseAlerts, normaliseOee, normalisePoints, normaliseRecommendations, normaliseRisk, pdmStartFromModels, riskFromTwin } from '../../../web/src/lib/normalise.js';
import { commandPayload, commandsOf, methodOutcome } from '../../../web/src/lib/commands.js';
import { mergeDowntime } from '../../../web/src/lib/downtime.js';
import { graphOfRows } from '../../../web/src/lib/graph-view.js';
import { normaliseState, worstSeverity } from '../../../web/src/lib/state.js';
import { Outbox } from '../../../web/src/offline/outbox.js';

test('the app’s permission table agrees with the platform’s (src/auth/roles.ts)', () => {
  for (const [perm, roles] of Object.entries(PERMISSIONS)) {
    assert.deepEqual([...roles].sort(), [...(SERVER as Record<string, readonly string[]>)[perm]!].sort(), perm);
  }
  assert.equal(can(['viewer'], 'commands.invoke'), false);
  assert.equal(can(['viewer', 'operator'], 'commands.invoke'), true);
});

test('views by role: operators land on 3D, technicians on maintenance, viewers on executive', () => {
  assert.equal(viewsFor(['operator'])[0], 'factory');
  assert.equal(viewsFor(['technician'])[0], 'maintenance');
  assert.equal(viewsFor(['viewer'])[0], 'executive');
  assert.ok(!viewsFor(['operator']).includes('explorer'));
  assert.deepEqual(viewsFor(['nobody']), []);
  // a technician who is also an operator lands on the operator's view and sees both sets
  const both = viewsFor(['technician', 'operator']);
  assert.equal(both[0], 'factory');
  assert.equal(new Set(both).size, both.length);
});

test('ADT change notifications become cache changes (CloudEvents, subject = twin id)', () => {
  const update = JSON.stringify({ specversion: '1.0', type: 'Microsoft.DigitalTwins.Twin.Update', subject: 'LINE-1-CNC', data: { modelId: 'dtmi:x;1', patch: [{ op: 'replace', path: '/state', value: 'Fault' }] } });
  assert.deepEqual(toTwinChange('message', update), { kind: 'twin.patch', twinId: 'LINE-1-CNC', patch: [{ op: 'replace', path: '/state', value: 'Fault' }] });
  const del = JSON.stringify({ type: 'Microsoft.DigitalTwins.Relationship.Delete', subject: 'LINE-1/relationships/contains-A', data: {} });
  assert.deepEqual(toTwinChange('message', del), { kind: 'relationship.delete', sourceId: 'LINE-1', relationshipId: 'contains-A' });
  // the type may come in the SSE event field only
  const created = toTwinChange('Microsoft.DigitalTwins.Twin.Create', JSON.stringify({ subject: 'N', data: { state: 'Idle' } }));
  assert.deepEqual(created, { kind: 'twin.upsert', twin: { state: 'Idle', $dtId: 'N' } });
  assert.equal(toTwinChange('message', 'not json'), undefined);
  assert.equal(toTwinChange('message', JSON.stringify({ type: 'Other.Thing' })), undefined);
});

test('machine states from the DTDL enum and the simulator both map to the shown states', () => {
  assert.deepEqual(['Running', 'starved', 'plannedStop', 'down', 'maintenance', 42].map(normaliseState), ['Running', 'Idle', 'Stopped', 'Fault', 'Maintenance', 'Unknown']);
  assert.equal(worstSeverity(['info', 'critical', 'warning']), 'critical');
  assert.equal(worstSeverity([]), undefined);
});

test('API answers are normalised; incomplete records are dropped, never filled in', () => {
  // Text points and unparseable times are not numbers to plot.
  assert.deepEqual(normalisePoints({ value: [{ series: 'A/t', twinId: 'A', signal: 't', points: [{ time: '2026-01-01T00:00:00Z', value: 1 }, { time: '2026-01-01T00:01:00Z', value: 'x' }, { time: 'bad', value: 3 }] }] }), [
    { twinId: 'A', signal: 't', points: [{ t: Date.parse('2026-01-01T00:00:00Z'), v: 1 }] },
  ]);
  // A result without its totals is no OEE; null factors (nothing planned) stay unknown, not 0.
  assert.equal(normaliseOee({ availability: 0.9, from: '2026-01-01T00:00:00Z', to: '2026-01-01T08:00:00Z' }), undefined);
  const idle = normaliseOee({ from: '2026-01-01T00:00:00Z', to: '2026-01-01T08:00:00Z', plannedProductionSec: 0, runSec: 0, downtimeSec: 0, goodCount: 0, totalCount: 0, availability: null, performance: null, quality: null, oee: null, downtimeByReason: [] })!;
  assert.equal(idle.availability, undefined);
  assert.equal(idle.oee, undefined);
  assert.deepEqual(
    normaliseAlerts({ value: [{ id: 'A1', severity: 'critical', state: 'acknowledged', message: 'hot', twinId: 'M', raisedAt: '2026-01-01T00:00:00Z', acknowledgedBy: 'op', occurrences: 2 }, { id: 'A2', severity: 'loud', state: 'active' }, { id: 'A3', severity: 'info', state: 'gone' }] }),
    [{ id: 'A1', twinId: 'M', severity: 'critical', state: 'acknowledged', message: 'hot', raisedAt: Date.parse('2026-01-01T00:00:00Z'), acknowledgedBy: 'op', occurrences: 2 }],
  );
});

test('predictive maintenance rows: nulls are "not predicted" and left out; recommendations need a due date', () => {
  // Shapes of src/ml/pdm/api.ts machineRow and renderRec.
  const rows = normaliseRisk({ value: [{ twinId: 'M1', health: 0.42, failureProbability: 0.3, rulHours: 96, rulCensored: false, mode: 'bearingWear', explanation: ['vibration rising'], recommendation: 'Replace bearing', warning: { since: '2026-01-01T00:00:00Z', mode: 'bearingWear' } }, { twinId: 'M2', failureProbability: null, rulHours: null }, { deviceId: 'no-twin' }], model: null });
  assert.deepEqual(rows, [
    { twinId: 'M1', health: 0.42, failureProbability: 0.3, rulHours: 96, rulCensored: false, mode: 'bearingWear', recommendation: 'Replace bearing', explanation: ['vibration rising'], warningSince: Date.parse('2026-01-01T00:00:00Z') },
    { twinId: 'M2' },
  ]);
  const recs = normaliseRecommendations({ value: [{ twinId: 'M1', mode: 'toolWear', severity: 'warning', text: 'Change the tool', explanationText: ['tool life 90 %'], dueBy: '2026-01-02T00:00:00Z', confidence: 0.8 }, { twinId: 'M2', text: 'x', severity: 'warning' }] });
  assert.deepEqual(recs, [{ twinId: 'M1', mode: 'toolWear', severity: 'warning', text: 'Change the tool', explanation: ['tool life 90 %'], dueBy: Date.parse('2026-01-02T00:00:00Z'), confidence: 0.8 }]);
});

test('a prediction written on the twin reads as a risk row (healthIndex 0..100 becomes 0..1)', () => {
  assert.deepEqual(riskFromTwin({ $dtId: 'M1', state: 'running', healthIndex: 64, failureProbability7d: 0.12, rulHours: 300, predictedFailureMode: 'toolWear', maintenanceRecommendation: 'Change the tool', predictionExplanation: 'cycle time rising' }), {
    twinId: 'M1', health: 0.64, failureProbability: 0.12, rulHours: 300, mode: 'toolWear', recommendation: 'Change the tool', explanation: ['cycle time rising'],
  });
  assert.equal(riskFromTwin({ $dtId: 'M2', state: 'idle' }), undefined, 'no prediction, no row');
  assert.equal(riskFromTwin(undefined), undefined);
});

test('predictive maintenance started with the registry’s first promotion', () => {
  const body = { value: [{ version: 3, promoted: true, promotedAt: '2026-03-01T00:00:00Z' }, { version: 2, promoted: false, promotedAt: '2026-02-01T08:00:00Z' }, { version: 1, promoted: false }], training: null };
  // v2 was promoted before v3 (and later replaced): the earliest promotion counts.
  assert.equal(pdmStartFromModels(body), Date.parse('2026-02-01T08:00:00Z'));
  assert.equal(pdmStartFromModels({ value: [{ version: 1, promoted: false }] }), undefined);
});

test('commands come from the model and its ancestors (DTDL extends), most specific first, each once', () => {
  const models = new Map([
    ['dtmi:p:Machine;1', { id: 'dtmi:p:Machine;1', extends: [], contents: [{ '@type': 'Command', name: 'emergencyStop' }, { '@type': 'Command', name: 'setSpeed', request: { name: 'speed', schema: 'double' } }, { '@type': 'Property', name: 'state' }] }],
    ['dtmi:p:Cnc;1', { id: 'dtmi:p:Cnc;1', extends: ['dtmi:p:Machine;1'], contents: [{ '@type': ['Command'], name: 'setSpeed', displayName: { en: 'Spindle speed' }, request: { name: 'rpm', schema: 'integer' } }] }],
  ]);
  const cmds = commandsOf('dtmi:p:Cnc;1', models);
  assert.deepEqual(cmds, [{ name: 'setSpeed', displayName: 'Spindle speed', request: { name: 'rpm', schema: 'integer' } }, { name: 'emergencyStop' }]);
  assert.deepEqual(commandPayload(cmds[0]!, 1200), { rpm: 1200 });
  assert.equal(commandPayload(cmds[1]!), undefined);
  // IoT Hub direct-method answers: the device's own status decides.
  assert.deepEqual(methodOutcome({ status: 200, payload: { state: 'down' } }), { ok: true, status: 200 });
  assert.deepEqual(methodOutcome({ status: 400, payload: { error: 'speed must be a number from 0 to 120' } }), { ok: false, status: 400, message: 'speed must be a number from 0 to 120' });
  assert.deepEqual(methodOutcome(undefined), { ok: false, status: 0 });
});

test('downtime of a line adds the stations’ stops of the same state and reason', () => {
  const merged = mergeDowntime([
    [{ state: 'down', reason: 'jam', seconds: 120, occurrences: 1 }, { state: 'starved', reason: 'starved', seconds: 30, occurrences: 2 }],
    [{ state: 'down', reason: 'jam', seconds: 60, occurrences: 2 }, { state: 'setup', reason: 'changeover', seconds: 0, occurrences: 0 }],
  ]);
  assert.deepEqual(merged, [{ state: 'down', reason: 'jam', seconds: 180, occurrences: 3 }, { state: 'starved', reason: 'starved', seconds: 30, occurrences: 2 }]);
});

test('query rows become a graph of twins and relationships', () => {
  const g = graphOfRows([
    { L: { $dtId: 'LINE-1', $metadata: { $model: 'dtmi:l;1' } }, R: { $relationshipId: 'c1', $sourceId: 'LINE-1', $targetId: 'M1', $relationshipName: 'contains' } },
    { $dtId: 'LINE-1', $metadata: { $model: 'dtmi:l;1' } },
  ]);
  assert.deepEqual(g.nodes, [
    { id: 'LINE-1', model: 'dtmi:l;1' },
    { id: 'M1', model: '' },
  ]);
  assert.deepEqual(g.edges, [{ source: 'LINE-1', target: 'M1', name: 'contains' }]);
});

class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

test('the offline outbox sends in order, keeps what the network refused, drops what the server refused', async () => {
  const box = new Outbox(new MemoryStorage());
  for (const id of ['A1', 'A2', 'A3']) await box.add({ method: 'POST', url: `/api/alerts/${id}/acknowledge`, body: {}, label: id });
  const failures: string[] = [];
  box.onChange((_p, failed) => failed && failures.push(failed.request.label));
  const sent: string[] = [];
  // offline again after the first: A2 stays queued, A3 untouched
  let online = 1;
  await box.flush(async (r) => {
    if (online-- <= 0) throw new TypeError('network');
    sent.push(r.label);
  });
  assert.deepEqual(sent, ['A1']);
  assert.deepEqual(box.pending().map((r) => r.label), ['A2', 'A3']);
  // back online: A2 was resolved meanwhile (409), A3 goes through
  await box.flush(async (r) => {
    if (r.label === 'A2') throw Object.assign(new Error('conflict'), { status: 409 });
    sent.push(r.label);
  });
  assert.deepEqual(sent, ['A1', 'A3']);
  assert.deepEqual(box.pending(), []);
  assert.deepEqual(failures, ['A2']);
});
