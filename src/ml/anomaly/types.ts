/**
 * The streaming detector contract shared by the live platform and the NAB benchmark.
 * A detector sees one signal's points in time order and answers each with an anomaly score in [0, 1];
 * it must be strictly causal: the score returned for (t, v) depends only on points up to and including t.
 */
export interface SignalDetector {
  /** `time` in milliseconds since the epoch, non-decreasing; returns a score in [0, 1]. */
  update(time: number, value: number): number;
}

/** Builds fresh detectors of one kind and configuration (one per signal). */
export interface DetectorFactory {
  /** Short name used in result paths and on the command line (NAB layout `<out>/<name>/...`). */
  readonly name: string;
  create(): SignalDetector;
}
