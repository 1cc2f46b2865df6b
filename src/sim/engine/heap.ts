/** A binary min-heap of (key, value) pairs; ties break on the smaller value, so order is deterministic. */
export class MinHeap {
  private readonly keys: number[] = [];
  private readonly values: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  clear(): void {
    this.keys.length = 0;
    this.values.length = 0;
  }

  peekKey(): number | undefined {
    return this.keys[0];
  }

  push(key: number, value: number): void {
    const k = this.keys;
    const v = this.values;
    let i = k.length;
    k.push(key);
    v.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): number | undefined {
    const k = this.keys;
    const v = this.values;
    if (k.length === 0) return undefined;
    const top = v[0]!;
    const lastKey = k.pop()!;
    const lastValue = v.pop()!;
    if (k.length > 0) {
      k[0] = lastKey;
      v[0] = lastValue;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < k.length && this.less(l, m)) m = l;
        if (r < k.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka < kb || (ka === kb && this.values[a]! < this.values[b]!);
  }

  private swap(a: number, b: number): void {
    const k = this.keys;
    const v = this.values;
    [k[a], k[b]] = [k[b]!, k[a]!];
    [v[a], v[b]] = [v[b]!, v[a]!];
  }
}
