/** Inline SVG charts for the replay report: time-series lines with markers, a regime band and
 * stacked bars. No scripts, no external resources; every text goes through esc(). */

export function esc(v: unknown): string {
  return String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export const REGIME_COLORS: Readonly<Record<string, string>> = {
  stable: '#2e7d32',
  stressed: '#f9a825',
  fragile: '#ef6c00',
  critical: '#c62828',
  unknown: '#9e9e9e',
};
export const KIND_COLORS: Readonly<Record<string, string>> = {
  accept: '#2e7d32',
  modify: '#f9a825',
  split: '#1565c0',
  deny: '#c62828',
};
export const ARM_COLORS: Readonly<Record<string, string>> = { policy: '#1565c0', baseline: '#c62828' };

interface Line {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly dash?: boolean;
}
export interface Marker {
  readonly ts: number;
  readonly value: number;
  readonly color: string;
  readonly title: string;
}
export interface LineChartSpec {
  readonly title: string;
  readonly ts: readonly number[];
  readonly lines: readonly Line[];
  readonly markers?: readonly Marker[];
  readonly band?: readonly string[]; // a regime per ts, drawn under the plot
  readonly yFormat?: (v: number) => string;
  readonly width?: number;
  readonly height?: number;
}

const PAD = { l: 64, r: 12, t: 24, b: 30 };
const BAND_H = 10;

export function fmtNum(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

function niceTicks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const dayLabel = (t: number): string => new Date(t).toISOString().slice(5, 10);

/** A line chart over time; null values break the line. */
export function lineChart(c: LineChartSpec): string {
  const W = c.width ?? 900;
  const H = c.height ?? 220;
  const bandH = c.band ? BAND_H + 4 : 0;
  const pw = W - PAD.l - PAD.r;
  const ph = H - PAD.t - PAD.b - bandH;
  const t0 = c.ts[0] ?? 0;
  const t1 = c.ts[c.ts.length - 1] ?? t0 + 1;
  const vals = [...c.lines.flatMap((l) => l.values), ...(c.markers ?? []).map((m) => m.value)].filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  if (!c.ts.length || !vals.length) return `<p class="empty">No data for ${esc(c.title)}.</p>`;
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const padY = (hi - lo) * 0.05;
  lo -= padY;
  hi += padY;
  const x = (t: number): number => PAD.l + ((t - t0) / (t1 - t0 || 1)) * pw;
  const y = (v: number): number => PAD.t + (1 - (v - lo) / (hi - lo)) * ph;
  const f = c.yFormat ?? fmtNum;
  const parts: string[] = [];
  for (const v of niceTicks(lo, hi)) {
    parts.push(
      `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" ` +
        `class="grid"/><text x="${PAD.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(f(v))}</text>`,
    );
  }
  const days = (t1 - t0) / 86_400_000;
  const every = Math.max(1, Math.ceil(days / 10)) * 86_400_000;
  for (let t = Math.ceil(t0 / 86_400_000) * 86_400_000; t <= t1; t += every) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${PAD.t}" y2="${PAD.t + ph}" ` +
        `class="grid"/><text x="${x(t).toFixed(1)}" y="${H - 8}" text-anchor="middle">${esc(dayLabel(t))}</text>`,
    );
  }
  if (c.band) {
    const by = PAD.t + ph + 4;
    const w = pw / Math.max(1, c.band.length);
    c.band.forEach((r, i) =>
      parts.push(
        `<rect x="${(PAD.l + i * w).toFixed(2)}" y="${by}" width="${(w + 0.3).toFixed(2)}" height="${BAND_H}" fill="${REGIME_COLORS[r] ?? '#000'}"><title>${esc(`${new Date(c.ts[i] ?? 0).toISOString().slice(0, 13)}h ${r}`)}</title></rect>`,
      ),
    );
  }
  for (const l of c.lines) {
    let d = '';
    let pen = false;
    l.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${x(c.ts[i]!).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    });
    parts.push(
      `<path d="${d}" fill="none" stroke="${esc(l.color)}" ` +
        `stroke-width="1.5"${l.dash ? ' stroke-dasharray="5 3"' : ''}><title>${esc(l.label)}</title></path>`,
    );
  }
  for (const m of c.markers ?? []) {
    const mx = x(m.ts);
    const my = y(m.value);
    parts.push(
      `<g class="marker"><path d="M${(mx - 5).toFixed(1)} ${(my - 5).toFixed(1)}L${(mx + 5).toFixed(1)} ` +
        `${(my + 5).toFixed(1)}M${(mx - 5).toFixed(1)} ${(my + 5).toFixed(1)}L${(mx + 5).toFixed(1)} ` +
        `${(my - 5).toFixed(1)}" stroke="${esc(m.color)}" stroke-width="2.5"/><circle cx="${mx.toFixed(1)}" ` +
        `cy="${my.toFixed(1)}" r="8" fill="none" stroke="${esc(m.color)}"/><title>${esc(m.title)}</title></g>`,
    );
  }
  const legend = c.lines.map(
    (l, i) =>
      `<g transform="translate(${PAD.l + 10 + i * 190},12)"><line x1="0" x2="18" y1="0" y2="0" ` +
      `stroke="${esc(l.color)}" stroke-width="2"${l.dash ? ' stroke-dasharray="5 3"' : ''}/><text x="22" ` +
      `y="4">${esc(l.label)}</text></g>`,
  );
  return (
    `<svg class="chart" role="img" aria-label="${esc(c.title)}" width="${W}" height="${H}" viewBox="0 0 ` +
    `${W} ${H}"><title>${esc(c.title)}</title>${parts.join('')}${legend.join('')}</svg>`
  );
}

export interface StackRow {
  readonly label: string;
  readonly parts: readonly { readonly key: string; readonly value: number; readonly color: string }[];
}

/** Horizontal stacked bars (one row per label), scaled to the largest row total. */
export function stackedBars(title: string, rows: readonly StackRow[], width = 640): string {
  const rowH = 24;
  const labelW = 160;
  const plotW = width - labelW - 70;
  const max = Math.max(1, ...rows.map((r) => r.parts.reduce((a, p) => a + p.value, 0)));
  const h = rows.length * rowH + 10;
  const out = rows.map((r, i) => {
    const yy = 5 + i * rowH;
    let xx = labelW;
    const segs = r.parts.map((p) => {
      const w = (p.value / max) * plotW;
      const s =
        p.value > 0
          ? `<rect x="${xx.toFixed(1)}" y="${yy + 3}" width="${Math.max(0.5, w).toFixed(1)}" height="${rowH - 6}" fill="${esc(p.color)}"><title>${esc(`${r.label} ${p.key}: ${p.value}`)}</title></rect>`
          : '';
      xx += w;
      return s;
    });
    const total = r.parts.reduce((a, p) => a + p.value, 0);
    return (
      `<text x="${labelW - 6}" y="${yy + 16}" ` +
      `text-anchor="end">${esc(r.label)}</text>${segs.join('')}<text x="${(xx + 5).toFixed(1)}" ` +
      `y="${yy + 16}">${esc(total)}</text>`
    );
  });
  return (
    `<svg class="chart" role="img" aria-label="${esc(title)}" width="${width}" height="${h}" viewBox="0 ` +
    `0 ${width} ${h}"><title>${esc(title)}</title>${out.join('')}</svg>`
  );
}
