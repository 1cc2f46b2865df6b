/**
 * Runs a streaming detector over every NAB series, exactly as the live platform would run it on a signal:
 * one fresh detector per series, points fed in time order, the returned score recorded per row. No labels,
 * file lengths or future values reach the detector.
 */
import type { DetectorFactory } from '../anomaly/index.js';
import type { NabCorpus } from './corpus.js';
import type { ScoredSeries } from './scorer.js';

export interface CorpusRun {
  readonly detector: string;
  readonly scored: ScoredSeries[];
  readonly points: number;
  readonly elapsedMs: number;
}

export function runDetector(factory: DetectorFactory, corpus: NabCorpus): CorpusRun {
  const started = performance.now();
  let points = 0;
  const scored = corpus.series.map((s) => {
    const detector = factory.create();
    const scores = new Float64Array(s.values.length);
    for (let i = 0; i < scores.length; i++) scores[i] = detector.update(s.times[i]!, s.values[i]!);
    points += scores.length;
    return { relPath: s.relPath, scores, windows: s.windows };
  });
  return { detector: factory.name, scored, points, elapsedMs: performance.now() - started };
}
