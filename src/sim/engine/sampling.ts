/**
 * Turns a machine's true state into the message its sensors report: physics values, sensor noise,
 * then sensor faults and injected anomalies. Noise comes from the machine's own `noise` stream, so
 * sampling more or less often never changes what happens to the plant.
 */
import type { Machine } from './machine.js';
import { round } from './numbers.js';
import { powerKw, vibrationHighBand, vibrationRms } from './physics.js';
import type { SampledValues } from './signals.js';
import type { Telemetry } from './telemetry.js';

export function sampleTelemetry(m: Machine, t: number): Telemetry {
  const rng = m.noiseRng;
  const turning = m.state === 'running';
  const ratio = m.speed / m.maxSpeed;
  const wb = m.health.wear('bearingWear');
  const wt = m.health.wear('toolWear');
  const trueValues: SampledValues = {
    temperature: m.temperature + rng.normal(0, 0.15),
    vibration: vibrationRms(m.profile, turning, ratio, wb, wt) * (1 + rng.normal(0, 0.05)),
    power: powerKw(m.profile, m.loadClass, m.load, wb) * (1 + rng.normal(0, 0.015)),
  };
  if (m.pressure !== undefined) trueValues.pressure = m.pressure + rng.normal(0, 0.005 * (m.profile.pressure?.nominal ?? 1));
  const highBand = vibrationHighBand(m.profile, turning, ratio, wb) * (1 + rng.normal(0, 0.08));
  const reported = m.overlay.apply(t, trueValues);
  // The high-band value comes from the same accelerometer: it shares the vibration sensor's fate.
  const vib = reported.vibration;
  const vibFactor = vib === undefined ? undefined : vib / Math.max(trueValues.vibration!, 1e-9);
  const speed = m.speed > 0 ? m.speed * (1 + rng.normal(0, 0.002)) : 0;

  const vibration = vib === undefined ? undefined : round(Math.max(0, vib), 3);
  return {
    timestamp: new Date(t).toISOString(),
    state: m.state,
    ...(m.reason !== undefined ? { stateReason: m.reason } : {}),
    ...(m.shift !== null ? { shift: m.shift } : {}),
    ...(reported.temperature !== undefined ? { temperature: round(reported.temperature, 2) } : {}),
    ...(vibration !== undefined ? { vibration, vibrationHighBand: round(Math.max(0, highBand * vibFactor!), 3) } : {}),
    ...(reported.power !== undefined ? { power: round(Math.max(0, reported.power), 3) } : {}),
    speed: round(Math.max(0, speed), m.profile.speedUnit === 'rpm' ? 0 : 2),
    ...(reported.pressure !== undefined ? { pressure: round(Math.max(0, reported.pressure), 3) } : {}),
    goodCount: m.goodCount,
    rejectCount: m.rejectCount,
    cycleTime: round(m.lastCycleTime, 2),
  };
}
