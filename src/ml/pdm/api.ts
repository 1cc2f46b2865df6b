/**
 * HTTP front door of predictive maintenance (an ApiModule). Reads need `platform.read`; training
 * and promotion need `ml.manage`. Texts come in the language of `?lang=` or Accept-Language (en, es).
 *
 *   GET  /api/ml/machines              machines ranked by risk (also at /api/ml/risk for the web app)
 *   GET  /api/ml/machines/{id}         one machine: per-mode probabilities, RUL interval, drivers
 *   GET  /api/ml/recommendations       open maintenance recommendations, soonest due first
 *   POST /api/ml/train                 train from the platform's history (202; ?wait=true blocks)
 *   GET  /api/ml/models                registry: versions, data windows, metrics; the training run
 *   POST /api/ml/models/{version}/promote   the live scorer switches to that version
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiModule } from '../../api/index.js';
import { PdmErrors } from './errors.js';
import { isLanguage, pickLanguage, render, type Language } from './messages.js';
import type { PdmModel } from './model.js';
import { describeFeature } from './describe.js';
import type { Recommendation } from './recommend.js';
import type { ModelRegistry, ModelSummary } from './registry.js';
import type { LiveScorer, MachineStatus } from './scorer.js';

export interface TrainRequestBody {
  readonly from: string;
  readonly to: string;
  readonly promote?: boolean;
}

export interface PdmApiDeps {
  readonly scorer: LiveScorer;
  readonly registry: ModelRegistry;
  /** Trains from the platform's history (e.g. `trainFromHistory` bound to the history and labels). */
  readonly train?: (req: { from: number; to: number }) => Promise<PdmModel>;
}

interface TrainingRun {
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt?: string;
  by?: string;
  version?: number;
  error?: string;
}

const TAGS = ['ml'] as const;
const langQuery = { type: 'object', properties: { lang: { type: 'string', enum: ['en', 'es'] } } } as const;

function languageOf(request: FastifyRequest): Language {
  const q = (request.query as { lang?: unknown } | undefined)?.lang;
  return isLanguage(q) ? q : pickLanguage(request.headers['accept-language']);
}

function renderRec(r: Recommendation, lang: Language) {
  return { ...r, text: render(r.action, lang), explanationText: r.explanation.map((m) => render(m, lang)) };
}

/** One row of the ranked list; `health` (0–1) and `failureProbability` (7 days) are what the web app reads. */
export function machineRow(s: MachineStatus, lang: Language) {
  const p = s.prediction;
  return {
    deviceId: s.deviceId,
    twinId: s.twinId,
    lineId: s.info.lineId ?? null,
    type: s.info.type ?? null,
    state: s.state ?? null,
    lastSeen: Number.isFinite(s.lastSeen) ? new Date(s.lastSeen).toISOString() : null,
    scoredAt: s.scoredAt !== undefined ? new Date(s.scoredAt).toISOString() : null,
    anomalyScore: s.anomalyScore,
    ...(p ? {
      healthIndex: p.healthIndex,
      health: p.healthIndex / 100,
      failureProbability24h: p.failureProbability24h ?? null,
      failureProbability7d: p.failureProbability7d ?? null,
      failureProbability: p.failureProbability7d ?? null,
      rulHours: p.rulHours ?? null,
      rulInterval: p.rulInterval ?? null,
      rulCensored: p.rulCensored,
      mode: p.warningMode ?? p.mode ?? null,
      explanation: p.drivers.flatMap((d) => {
        const m = describeFeature(d.feature, d.value);
        return m ? [render(m, lang)] : [];
      }),
    } : {}),
    warning: s.warning ? { since: new Date(s.warning.since).toISOString(), mode: s.warning.mode ?? null } : null,
    recommendation: s.recommendation ? render(s.recommendation.action, lang) : null,
  };
}

export function createPdmApiModule(deps: PdmApiDeps): ApiModule {
  let run: TrainingRun | undefined;
  const modelInfo = () => {
    const m = deps.scorer.currentModel;
    return m ? { version: m.version ?? null, createdAt: m.model.createdAt, dataWindow: m.model.dataWindow } : null;
  };

  const startTraining = (body: TrainRequestBody, by: string | undefined): { run: TrainingRun; done: Promise<void> } => {
    const train = deps.train;
    if (!train) throw PdmErrors.create('training_unavailable', 'this platform has no history source configured for training', {});
    const from = Date.parse(body.from), to = Date.parse(body.to);
    if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) {
      throw PdmErrors.create('bad_window', `training window must be two RFC 3339 times with from < to, got ${body.from} … ${body.to}`, { from: body.from, to: body.to });
    }
    if (run?.status === 'running') throw PdmErrors.create('training_busy', `a training run started at ${run.startedAt} is still running`, { startedAt: run.startedAt });
    const current: TrainingRun = { status: 'running', startedAt: new Date().toISOString(), ...(by ? { by } : {}) };
    run = current;
    const done = (async () => {
      try {
        const model = await train({ from, to });
        const summary = await deps.registry.save(model, { trainedBy: by ?? 'api', source: 'history' });
        current.version = summary.version;
        if (body.promote) {
          await deps.registry.promote(summary.version, by);
          deps.scorer.setModel(model, summary.version);
        }
        current.status = 'done';
      } catch (err) {
        current.status = 'failed';
        current.error = err instanceof Error ? err.message : String(err);
      }
      current.finishedAt = new Date().toISOString();
    })();
    return { run: current, done };
  };

  return {
    name: 'ml-pdm',
    register(app: FastifyInstance) {
      const list = async (request: FastifyRequest) => {
        const lang = languageOf(request);
        return { value: deps.scorer.machines().map((s) => machineRow(s, lang)), model: modelInfo() };
      };
      const listSchema = { summary: 'Machines ranked by failure risk, with health index, probabilities, RUL and recommendation', tags: TAGS, querystring: langQuery };
      app.get('/api/ml/machines', { config: { permission: 'platform.read' }, schema: listSchema }, list);
      app.get('/api/ml/risk', { config: { permission: 'platform.read' }, schema: { ...listSchema, summary: 'Same as /api/ml/machines (the web app reads this path)' } }, list);

      app.get<{ Params: { id: string } }>('/api/ml/machines/:id', {
        config: { permission: 'platform.read' },
        schema: { summary: 'One machine: per-mode probabilities, RUL interval, drivers, recommendation', tags: TAGS, params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } }, querystring: langQuery },
      }, async (request) => {
        const s = deps.scorer.machine(request.params.id);
        if (!s) throw PdmErrors.create('machine_not_found', `no telemetry scored for machine '${request.params.id}'`, { id: request.params.id });
        const lang = languageOf(request);
        return {
          ...machineRow(s, lang),
          modes: s.prediction?.modes ?? [],
          drivers: (s.prediction?.drivers ?? []).map((d) => {
            const m = describeFeature(d.feature, d.value);
            return { ...d, ...(m ? { message: m, text: render(m, lang) } : {}) };
          }),
          recommendationDetail: s.recommendation ? renderRec(s.recommendation, lang) : null,
          model: modelInfo(),
        };
      });

      app.get('/api/ml/recommendations', {
        config: { permission: 'platform.read' },
        schema: { summary: 'Open maintenance recommendations, soonest due first', tags: TAGS, querystring: langQuery },
      }, async (request) => {
        const lang = languageOf(request);
        return { value: deps.scorer.recommendations().map((r) => renderRec(r, lang)) };
      });

      app.post<{ Body: TrainRequestBody; Querystring: { wait?: boolean } }>('/api/ml/train', {
        config: { permission: 'ml.manage' },
        schema: {
          summary: 'Train a model from the platform history over [from, to); ?wait=true answers when done',
          tags: TAGS,
          querystring: { type: 'object', properties: { wait: { type: 'boolean' } } },
          body: { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, promote: { type: 'boolean' } } },
        },
      }, async (request, reply) => {
        const started = startTraining(request.body, request.principal?.subject);
        if (request.query.wait) {
          await started.done;
          return reply.code(started.run.status === 'done' ? 201 : 500).send(started.run);
        }
        return reply.code(202).send(started.run);
      });

      app.get('/api/ml/models', {
        config: { permission: 'platform.read' },
        schema: { summary: 'Trained models (newest first) with data window, training date and metrics; the current training run', tags: TAGS },
      }, async () => ({ value: await deps.registry.list(), training: run ?? null }));

      app.post<{ Params: { version: number } }>('/api/ml/models/:version/promote', {
        config: { permission: 'ml.manage' },
        schema: { summary: 'Promote a model version: the live scorer uses it from its next scoring', tags: TAGS, params: { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 1 } } } },
      }, async (request): Promise<ModelSummary> => {
        const summary = await deps.registry.promote(request.params.version, request.principal?.subject);
        deps.scorer.setModel(await deps.registry.get(summary.version), summary.version);
        return summary;
      });
    },
  };
}
