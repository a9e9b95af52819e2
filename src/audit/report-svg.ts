/** Inline SVG charts for the compliance report: no scripts, no external resources. Every text
 * goes through esc(): labels come from bot-supplied and file-supplied strings. */

export function esc(v: unknown): string {
  return String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export const OUTCOME_COLORS: Readonly<Record<string, string>> = {
  accept: '#2e7d32',
  modify: '#f9a825',
  split: '#1565c0',
  deny: '#c62828',
  throttle: '#6a1b9a',
};
export const REGIME_COLORS: Readonly<Record<string, string>> = {
  stable: '#2e7d32',
  stressed: '#f9a825',
  fragile: '#ef6c00',
  critical: '#c62828',
  unknown: '#616161',
};

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color?: string;
}

/** Horizontal bars with the value at the end. */
export function barChart(bars: readonly Bar[], title: string, width = 640): string {
  if (!bars.length) return `<p class="empty">No data for ${esc(title)}.</p>`;
  const rowH = 22;
  const labelW = 190;
  const max = Math.max(...bars.map((b) => b.value), 1);
  const plotW = width - labelW - 60;
  const h = bars.length * rowH + 10;
  const rows = bars.map((b, i) => {
    const y = 5 + i * rowH;
    const w = Math.max(1, Math.round((b.value / max) * plotW));
    return (
      `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" fill="${esc(b.color ?? '#455a64')}"/>` +
      `<text x="${labelW + w + 5}" y="${y + 15}">${esc(b.value)}</text>`
    );
  });
  return `<svg class="chart" role="img" aria-label="${esc(title)}" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}"><title>${esc(title)}</title>${rows.join('')}</svg>`;
}

export interface TimelinePoint {
  readonly ts: number;
  readonly probability: number | null;
  readonly regime: string;
}

const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/** Step line of the adverse-move probability (0..1) with a band coloured by regime below it. */
export function regimeTimeline(points: readonly TimelinePoint[], title: string, width = 760): string {
  if (!points.length) return `<p class="empty">No decisions for ${esc(title)}.</p>`;
  const left = 40;
  const right = 10;
  const plotH = 140;
  const bandY = plotH + 16;
  const h = bandY + 40;
  const t0 = points[0]!.ts;
  const t1 = Math.max(points[points.length - 1]!.ts, t0 + 1);
  const x = (t: number): number => left + ((t - t0) / (t1 - t0)) * (width - left - right);
  const y = (p: number): number => 8 + (1 - p) * (plotH - 8);
  let path = '';
  let pen = false;
  points.forEach((p, i) => {
    if (p.probability === null) {
      pen = false;
      return;
    }
    const px = x(p.ts).toFixed(1);
    const py = y(p.probability).toFixed(1);
    if (!pen) path += `M${px},${py}`;
    else path += `H${px}V${py}`;
    pen = true;
    const next = points[i + 1];
    if (!next) path += `H${(x(p.ts) + 2).toFixed(1)}`;
  });
  const bands: string[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    let j = i;
    while (j + 1 < points.length && points[j + 1]!.regime === p.regime) j++;
    const xa = x(p.ts);
    const xb = j + 1 < points.length ? x(points[j + 1]!.ts) : Math.max(xa + 2, x(points[j]!.ts));
    bands.push(
      `<rect x="${xa.toFixed(1)}" y="${bandY}" width="${Math.max(1, xb - xa).toFixed(1)}" height="12" fill="${REGIME_COLORS[p.regime] ?? '#9e9e9e'}"><title>${esc(p.regime)} from ${esc(iso(p.ts))}</title></rect>`,
    );
    i = j;
  }
  const grid = [0, 0.5, 1].map(
    (p) =>
      `<line x1="${left}" x2="${width - right}" y1="${y(p)}" y2="${y(p)}" class="grid"/><text x="${left - 4}" y="${y(p) + 4}" text-anchor="end">${p}</text>`,
  );
  return (
    `<svg class="chart" role="img" aria-label="${esc(title)}" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}"><title>${esc(title)}</title>` +
    grid.join('') +
    `<path d="${path}" fill="none" stroke="#1565c0" stroke-width="1.5"/>` +
    bands.join('') +
    `<text x="${left}" y="${h - 4}">${esc(iso(t0))}</text><text x="${width - right}" y="${h - 4}" text-anchor="end">${esc(iso(t1))}</text>` +
    `</svg>`
  );
}
