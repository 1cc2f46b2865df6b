/**
 * Input shape of the RUL model: the in-service history of one asset, one row per cycle (or per
 * any regular time step), operating-setting columns kept apart from sensor columns because they
 * define the operating condition rather than the health. For training, the last row is the failure.
 */
export interface EngineHistory {
  readonly id: number | string;
  /** settings[t] = operating settings at cycle t+1. */
  readonly settings: ReadonlyArray<ArrayLike<number>>;
  /** sensors[t] = sensor readings at cycle t+1. */
  readonly sensors: ReadonlyArray<ArrayLike<number>>;
}
