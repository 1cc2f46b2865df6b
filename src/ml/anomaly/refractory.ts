/**
 * Refractory period: a score counts fully only if it beats every score of the previous `span` points.
 * NAB rewards the first detection in a window and charges every later one outside it, and operators
 * want one alarm per incident, not one per point; a bigger event inside the span still gets through.
 * Sliding maximum by a monotonic deque in fixed ring buffers: O(1) amortised per point, 2·span numbers.
 */
export class RefractoryMax {
  private readonly at: Float64Array;
  private readonly val: Float64Array;
  private head = 0;
  private size = 0;
  private t = 0;

  constructor(private readonly span: number) {
    this.at = new Float64Array(span + 1);
    this.val = new Float64Array(span + 1);
  }

  /** Max over the previous `span` values (0 when none), then records `value`. */
  push(value: number): number {
    const cap = this.at.length;
    while (this.size > 0 && this.at[this.head]! < this.t - this.span) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    const previous = this.size > 0 ? this.val[this.head]! : 0;
    while (this.size > 0 && this.val[(this.head + this.size - 1) % cap]! <= value) this.size--;
    const tail = (this.head + this.size) % cap;
    this.at[tail] = this.t;
    this.val[tail] = value;
    this.size++;
    this.t++;
    return previous;
  }
}
