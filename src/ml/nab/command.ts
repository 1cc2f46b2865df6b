/**
 * `twinworks ml nab --data DIR --out DIR [--detector NAME] [--score-only] [--labels FILE]`
 *
 * Runs a streaming detector over the NAB corpus, writes NAB's result layout under `--out`, scores it with
 * NAB's rules and prints the three normalised scores. `--score-only` skips the run and scores result files
 * already under `<out>/<detector>/` (for instance a published detector's files).
 */
import type { CliCommand, CliIO } from '../../cli/command.js';
import type { DetectorFactory } from '../anomaly/index.js';
import { noveltyDetectorFactory } from '../anomaly/index.js';
import { loadNabCorpus } from './corpus.js';
import { NabErrors } from './errors.js';
import { nullDetectorFactory, windowedGaussianFactory } from './reference-detectors.js';
import { readResults, writeResults, writeScoreTables } from './results.js';
import { runDetector } from './runner.js';
import { scoreAllProfiles, type ProfileResult, type ScoredSeries } from './scorer.js';

/** Detectors the command can run; `twinworks` is the live platform's detector. */
export const NAB_DETECTORS: Readonly<Record<string, () => DetectorFactory>> = {
  twinworks: () => noveltyDetectorFactory(),
  null: () => nullDetectorFactory,
  windowedGaussian: () => windowedGaussianFactory,
};

export interface NabArgs {
  readonly data: string;
  readonly out: string;
  readonly detector: string;
  readonly scoreOnly: boolean;
  readonly labels?: string;
}

const USAGE = `usage: twinworks ml nab --data DIR --out DIR [--detector NAME] [--score-only] [--labels FILE]

  --data DIR      NAB corpus root (holds data/ and labels/), e.g. ../shared/datasets/nab
  --out DIR       results root; files go to <out>/<detector>/<category>/<detector>_<file>.csv
  --detector NAME ${Object.keys(NAB_DETECTORS).join(' | ')} (default twinworks); with --score-only any name
  --score-only    score existing result files instead of running a detector
  --labels FILE   windows file (default <data>/labels/combined_windows.json)`;

export function parseNabArgs(argv: readonly string[]): NabArgs | 'help' {
  let data: string | undefined;
  let out: string | undefined;
  let detector = 'twinworks';
  let scoreOnly = false;
  let labels: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw NabErrors.create('bad_flag_value', `${flag} needs a value`, { flag });
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--data':
        data = value();
        break;
      case '--out':
        out = value();
        break;
      case '--detector':
        detector = value();
        break;
      case '--labels':
        labels = value();
        break;
      case '--score-only':
        scoreOnly = true;
        break;
      default:
        throw NabErrors.create('unknown_flag', `unknown flag ${flag}`, { flag, allowed: ['--data', '--out', '--detector', '--score-only', '--labels'] });
    }
  }
  if (data === undefined) throw NabErrors.create('missing_flag', '--data DIR is required', { flag: '--data' });
  if (out === undefined) throw NabErrors.create('missing_flag', '--out DIR is required', { flag: '--out' });
  if (!scoreOnly && NAB_DETECTORS[detector] === undefined) {
    throw NabErrors.create('unknown_detector', `no detector named ${detector}`, { detector, allowed: Object.keys(NAB_DETECTORS) });
  }
  return { data, out, detector, scoreOnly, ...(labels === undefined ? {} : { labels }) };
}

function report(io: CliIO, detector: string, results: readonly ProfileResult[]): void {
  io.stdout(`NAB v1.1 scores for ${detector} (normalised: null = 0, perfect = 100)`);
  for (const r of results) {
    const detected = r.files.reduce((a, f) => a + f.windowsDetected, 0);
    const windows = r.files.reduce((a, f) => a + f.windowsScored, 0);
    const fp = r.files.reduce((a, f) => a + f.fp, 0);
    io.stdout(
      `  ${r.profile.padEnd(20)} ${r.normalised.toFixed(2).padStart(6)}   threshold ${r.threshold.toPrecision(6)}, raw ${r.raw.toFixed(2)}, windows ${detected}/${windows}, false-positive rows ${fp}`,
    );
  }
  io.stdout('  published (standard / low FP / low FN): ARTime 74.9/65.1/80.4, Numenta HTM 70.1/63.1/74.3, CAD OSE 69.9/67.0/73.2, KNN CAD 58.0/43.4/64.8');
}

export const nabCommand: CliCommand = {
  name: 'nab',
  summary: 'Run and score a streaming anomaly detector on the Numenta Anomaly Benchmark',
  usage: USAGE,
  async run(argv, io) {
    const args = parseNabArgs(argv);
    if (args === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    const corpus = loadNabCorpus(args.data, args.labels);
    let scored: ScoredSeries[];
    if (args.scoreOnly) {
      scored = readResults(args.out, args.detector, corpus.series);
    } else {
      const factory = NAB_DETECTORS[args.detector]!();
      const run = runDetector(factory, corpus);
      scored = run.scored;
      writeResults(args.out, args.detector, corpus.series, scored.map((s) => s.scores));
      const perPoint = (run.elapsedMs * 1e6) / run.points;
      io.stdout(`ran ${args.detector} on ${corpus.series.length} series, ${run.points} points in ${(run.elapsedMs / 1000).toFixed(2)} s (${perPoint.toFixed(0)} ns/point)`);
    }
    const results = scoreAllProfiles(scored);
    writeScoreTables(args.out, args.detector, results);
    report(io, args.detector, results);
    return 0;
  },
};
