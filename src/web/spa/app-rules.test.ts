import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PERMISSIONS as SERVER } from '../../auth/index.js';
import { can, PERMISSIONS, viewsFor } from '../../../web/src/auth/permissions.js';
import { toTwinChange } from '../../../web/src/lib/twin-events.js';
import { normaliseAlerts, normaliseOee, normaliseSeries, normaliseStatePoints } from '../../../web/src/lib/normalise.js';
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
  assert.deepEqual(normaliseSeries({ series: [{ twinId: 'A', signal: 'temperature', points: [{ t: '2026-01-01T00:00:00Z', v: 1 }, { time: '2026-01-01T00:01:00Z', value: '2' }, { t: 'bad', v: 3 }, { t: '2026-01-01T00:02:00Z', v: null }] }] }), [
    { twinId: 'A', signal: 'temperature', points: [{ t: Date.parse('2026-01-01T00:00:00Z'), v: 1 }, { t: Date.parse('2026-01-01T00:01:00Z'), v: 2 }] },
  ]);
  assert.equal(normaliseOee({ availability: 0.9, performance: 0.8 }, 'L'), undefined, 'an OEE without all factors is no OEE');
  assert.deepEqual(normaliseOee({ availability: 0.9, performance: 0.8, quality: 1, oee: 0.72, goodCount: 'x' }, 'L'), { scope: 'L', availability: 0.9, performance: 0.8, quality: 1, oee: 0.72 });
  assert.deepEqual(
    normaliseAlerts({ value: [{ alertId: 'A1', severity: 'critical', state: 'acknowledged', message: 'hot', twinId: 'M', raisedAt: '2026-01-01T00:00:00Z' }, { alertId: 'A2', severity: 'loud' }] }),
    [{ id: 'A1', twinId: 'M', severity: 'critical', state: 'acknowledged', message: 'hot', raisedAt: Date.parse('2026-01-01T00:00:00Z') }],
  );
  const states = normaliseStatePoints({ series: [{ twinId: 'M', points: [{ t: '2026-01-01T00:05:00Z', v: 'down' }, { t: '2026-01-01T00:00:00Z', v: 'running' }] }] });
  assert.deepEqual(states.get('M')!.map((p) => p.state), ['running', 'down'], 'sorted by time');
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
