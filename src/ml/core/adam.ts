/**
 * Adam optimiser (Kingma & Ba 2015, Algorithm 1) on a flat parameter vector, with optional
 * decoupled weight decay (AdamW, Loshchilov & Hutter 2019): θ ← θ − lr·(m̂/(√v̂+ε) + wd·θ).
 */
export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  readonly weightDecay?: number;
}

export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;

  constructor(size: number, options: AdamOptions) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
  }

  /** One update of params in place from grad; `decayMask[k] = 0` exempts parameter k (biases) from decay. */
  step(params: Float64Array, grad: Float64Array, decayMask?: Uint8Array): void {
    this.t++;
    const { m, v, beta1: b1, beta2: b2 } = this;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    const lr = this.learningRate;
    for (let k = 0; k < params.length; k++) {
      const g = grad[k]!;
      m[k] = b1 * m[k]! + (1 - b1) * g;
      v[k] = b2 * v[k]! + (1 - b2) * g * g;
      const update = m[k]! / c1 / (Math.sqrt(v[k]! / c2) + this.epsilon);
      const decay = decayMask === undefined || decayMask[k] === 1 ? this.weightDecay * params[k]! : 0;
      params[k]! -= lr * (update + decay);
    }
  }
}
