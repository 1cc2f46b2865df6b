/** uPlot charts: sparklines for the machine panel and time-series plots for history and trends. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../api/data.js';

const PALETTE = ['#4fb3d9', '#e0a030', '#2e9e5b', '#d64541', '#a77bd6', '#8a96a3', '#f06ea9', '#c3d94f'];

/** A small line without axes; the latest value is shown as text next to it by the caller. */
export function sparkline(el: HTMLElement, points: ReadonlyArray<{ t: number; v: number }>, label: string, width = 250): uPlot {
  const data: uPlot.AlignedData = [points.map((p) => p.t / 1000), points.map((p) => p.v)];
  return new uPlot(
    {
      width,
      height: 36,
      title: '',
      cursor: { show: false },
      legend: { show: false },
      axes: [{ show: false }, { show: false }],
      scales: { x: { time: true } },
      series: [{}, { label, stroke: PALETTE[0], width: 1.5 }],
    },
    data,
    el,
  );
}

/** Several series on one time axis (aligned on the union of their timestamps). */
export function timeChart(el: HTMLElement, series: readonly Series[], opts: { width: number; height: number; locale: string; yLabel?: string; percent?: boolean }): uPlot {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(times.length).fill(null);
    for (const p of s.points) col[index.get(p.t)!] = p.v;
    return col;
  });
  const fmt = new Intl.DateTimeFormat(opts.locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  // Tick labels: seconds within ten minutes, times within a day and a half, dates beyond; long labels on every tick overlap.
  const pctFmt = new Intl.NumberFormat(opts.locale, { style: 'percent', maximumFractionDigits: 1 });
  const span = times.length > 1 ? times[times.length - 1]! - times[0]! : 0;
  const tickFmt = new Intl.DateTimeFormat(opts.locale, span <= 10 * 60_000 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : span <= 36 * 3_600_000 ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' });
  return new uPlot(
    {
      width: opts.width,
      height: opts.height,
      // Fractions shown as percent run from 0 to at least 100 % (an all-zero series would otherwise scale to 0–100, i.e. 10,000 %).
      scales: { x: { time: true }, ...(opts.percent ? { y: { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(1, max)] } } : {}) },
      axes: [
        { stroke: '#c9d3dc', grid: { stroke: '#24313d' }, space: 70, values: (_u, ticks) => ticks.map((t) => tickFmt.format(t * 1000)) },
        {
          stroke: '#c9d3dc',
          grid: { stroke: '#24313d' },
          ...(opts.yLabel ? { label: opts.yLabel } : {}),
          ...(opts.percent ? { values: (_u: uPlot, ticks: number[]) => ticks.map((v) => pctFmt.format(v)) } : {}),
        },
      ],
      series: [{ value: (_u, v) => (v === null ? '—' : fmt.format(v * 1000)) }, ...series.map((s, i) => ({ label: `${s.twinId} ${s.signal}`, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false }))],
    },
    [times.map((t) => t / 1000), ...columns] as uPlot.AlignedData,
    el,
  );
}
