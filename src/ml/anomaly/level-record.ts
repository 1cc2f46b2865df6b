/**
 * Level-record expert: how far the value lies outside every value seen before, as a fraction of the
 * range seen before. NAB's labelled anomalies are very often the first excursion of a signal beyond
 * its history (a new high, a drop below every earlier low), and a record is the cheapest causal test for
 * that: two numbers of state, no distributional assumption, and the range scale adapts to each signal.
 */
export class LevelRecord {
  private hi = Number.NEGATIVE_INFINITY;
  private lo = Number.POSITIVE_INFINITY;

  /** Returns the exceedance (≥ 0, in units of the previous range) and then learns the value. */
  update(value: number): number {
    const range = this.hi - this.lo;
    let exceedance = 0;
    if (range > 0) {
      if (value > this.hi) exceedance = (value - this.hi) / range;
      else if (value < this.lo) exceedance = (this.lo - value) / range;
    }
    if (value > this.hi) this.hi = value;
    if (value < this.lo) this.lo = value;
    return exceedance;
  }
}
