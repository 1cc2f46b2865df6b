/**
 * A first model for the demo (docs/ml-live.md §Bootstrap model). A fresh demo platform has a few
 * days of backfilled history: too few failures to learn from, so the maintenance screens would show
 * no health, probabilities or RUL. When the registry holds no model at all, one is trained in a
 * worker (train-runner.ts) from a *simulated* history — another seed than the live demo, like
 * `twinworks ml train --from-sim` — saved with a source that says so, promoted, and handed to the
 * scorer. The platform serves meanwhile; a model trained from the plant's own history later
 * replaces it through `POST /api/ml/train` / promote as usual.
 */
import type { SimWindow } from './evaluate.js';
import type { TrackerOptions } from './features/tracker.js';
import type { ModelRegistry, ModelSummary } from './registry.js';
import type { LiveScorer } from './scorer.js';
import type { TrainSettings } from './train-job.js';
import type { TrainWorkers } from './train-runner.js';
import { DAY_MS } from './types.js';

export interface BootstrapOptions {
  /** The simulated history: seed, plant (demo plant, `lines` generated lines, or a PlantConfig), rows [from, to). */
  readonly sim: SimWindow;
  /** Days simulated before `sim.from` to warm the features up (default 7, as `ml train --from-sim`). */
  readonly warmUpDays?: number;
  readonly tracker?: TrackerOptions;
  readonly train?: TrainSettings;
  readonly onProgress?: (message: string) => void;
}

export const BOOTSTRAP_TRAINED_BY = 'bootstrap';

/**
 * Days of the demo's bootstrap history: the documented training window (docs/ml-live.md §Results),
 * the shortest that holds enough failures of the three modes (60 days: leaks 17, tool 2, bearing 1,
 * so only leaks could be modelled; 120 days: leaks 25, bearing 10, tool 5). Cost in §Bootstrap model.
 */
export const DEMO_BOOTSTRAP_DAYS = 120;

/**
 * The demo's bootstrap history: the evaluation's training plant (docs/ml-live.md §Results: 10
 * generated four-station lines, seed 11; the live demo runs seed 42 on the demo plant), over
 * `days` days from 2026-01-08 (fixed, so every first start trains the same model).
 */
export function demoBootstrap(days: number): BootstrapOptions {
  const from = Date.parse('2026-01-08T00:00:00Z');
  return { sim: { seed: 11, lines: 10, from, to: from + days * DAY_MS } };
}

/** The registry's `source` of a bootstrap model: what it was trained on, and that it is not this plant's data. */
export function bootstrapSource(sim: SimWindow): string {
  const plant = sim.plant ? 'a custom plant' : sim.lines !== undefined ? `${sim.lines} generated 4-station lines` : 'the demo plant';
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return `bootstrap: simulated history (simulator seed ${sim.seed}, ${plant}, ${day(sim.from)} … ${day(sim.to)}), not this plant's own data; train from history to replace it`;
}

export interface BootstrapDeps {
  readonly registry: ModelRegistry;
  readonly scorer: LiveScorer;
  readonly workers: TrainWorkers;
  readonly options: BootstrapOptions;
}

/**
 * Trains, saves, promotes and installs the bootstrap model; undefined when skipped because the
 * registry already holds a model (a restart, or models trained by hand: never overridden).
 */
export async function bootstrapModel(d: BootstrapDeps): Promise<ModelSummary | undefined> {
  if ((await d.registry.list()).length > 0) return undefined;
  const o = d.options;
  const model = await d.workers.run(
    { kind: 'sim', sim: o.sim, warmUpDays: o.warmUpDays ?? 7, ...(o.tracker ? { tracker: o.tracker } : {}), ...(o.train ? { options: o.train } : {}) },
    o.onProgress ? { onProgress: o.onProgress } : {},
  );
  const saved = await d.registry.save(model, { trainedBy: BOOTSTRAP_TRAINED_BY, source: bootstrapSource(o.sim) });
  // Training takes minutes: if someone promoted a model of their own meanwhile, it stays promoted.
  if ((await d.registry.list()).some((s) => s.promoted)) return saved;
  const promoted = await d.registry.promote(saved.version, BOOTSTRAP_TRAINED_BY);
  d.scorer.setModel(model, promoted.version);
  return promoted;
}
