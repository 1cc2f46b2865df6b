/**
 * One detector per signal key (e.g. `<twinId>/<telemetry name>`), created on first sight. The live
 * platform calls `score` for every telemetry value. Memory is bounded per signal by the detector
 * (docs/ml-anomaly.md §Cost) and across signals by `maxSignals`: when a new key would exceed it, the
 * least recently scored signal is dropped (it restarts with a fresh warm-up if it comes back).
 */
import type { DetectorFactory, SignalDetector } from './types.js';
import { noveltyDetectorFactory } from './detector.js';
import { AnomalyErrors } from './errors.js';

export interface DetectorBankOptions {
  readonly factory?: DetectorFactory;
  /** Upper bound on the number of signals kept (default: unbounded). */
  readonly maxSignals?: number;
}

export class DetectorBank {
  // A Map iterates in insertion order; re-inserting on use keeps the least recently used key first.
  private readonly detectors = new Map<string, SignalDetector>();
  private readonly factory: DetectorFactory;
  private readonly maxSignals: number;

  constructor(options: DetectorBankOptions = {}) {
    this.factory = options.factory ?? noveltyDetectorFactory();
    this.maxSignals = options.maxSignals ?? Number.POSITIVE_INFINITY;
    if (!(this.maxSignals >= 1)) {
      throw AnomalyErrors.create('bad_config', 'maxSignals must be at least 1', { path: 'maxSignals', value: options.maxSignals });
    }
  }

  /** Anomaly score in [0, 1] of `value` at `time` (ms) for signal `key`. */
  score(key: string, time: number, value: number): number {
    let detector = this.detectors.get(key);
    if (detector === undefined) {
      if (this.detectors.size >= this.maxSignals) {
        const oldest = this.detectors.keys().next().value as string;
        this.detectors.delete(oldest);
      }
      detector = this.factory.create();
    } else {
      this.detectors.delete(key);
    }
    this.detectors.set(key, detector);
    return detector.update(time, value);
  }

  get size(): number {
    return this.detectors.size;
  }

  has(key: string): boolean {
    return this.detectors.has(key);
  }

  /** Forgets a signal (e.g. when its twin is deleted). */
  delete(key: string): boolean {
    return this.detectors.delete(key);
  }
}
