// One card per symbol: regime, probability, a uPlot chart of its history, the top contributing
// features and the data-quality state.
import { $, clear, h, num, pct, regimeClass, timeUtc } from './dom.js';

const MAX_POINTS = 720;
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function chartOptions(width) {
  const axis = {
    stroke: css('--muted'),
    grid: { stroke: '#21262d', width: 1 },
    ticks: { stroke: '#21262d', width: 1 },
    font: '11px system-ui, sans-serif',
  };
  return {
    width,
    height: 120,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 5 } },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    // Probabilities of a 5 % move in 4 h are mostly a few percent: scale the axis to the data
    // (at least 0-5 %) so a rise from 1 % to 8 % is visible, not a flat line at the bottom.
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.min(1, Math.max(0.05, (max ?? 0) * 1.25))] } },
    axes: [
      { ...axis, size: 28 },
      { ...axis, size: 46, values: (_u, vals) => vals.map((v) => `${+(v * 100).toFixed(1)}%`) },
    ],
    series: [
      {},
      {
        label: 'p',
        stroke: css('--accent'),
        width: 1.5,
        fill: 'rgba(88,166,255,0.10)',
        spanGaps: false,
        points: { show: false },
      },
    ],
  };
}

class Card {
  constructor(symbol, root) {
    this.symbol = symbol;
    this.xs = [];
    this.ys = [];
    this.pill = h('span', { class: 'pill' }, '—');
    this.big = h('span', { class: 'big' }, '—');
    this.sub = h('span', { class: 'sub' }, '');
    this.chartEl = h('div', { class: 'chart' });
    this.features = h('div', { class: 'features' });
    this.quality = h('div', { class: 'quality' });
    this.el = h(
      'article',
      { class: 'card', dataset: { symbol, regime: 'unknown' } },
      h('div', { class: 'card-head' }, h('span', { class: 'sym' }, symbol), this.pill),
      h('div', { class: 'prob' }, this.big, this.sub),
      this.chartEl,
      this.features,
      this.quality,
    );
    root.append(this.el);
    this.plot = new uPlot(chartOptions(this.width()), [this.xs, this.ys], this.chartEl);
    // The grid reflows as cards are added and the window resizes: follow the card's width.
    new ResizeObserver(() => this.resize()).observe(this.el);
  }
  width() {
    return Math.max(200, this.el.clientWidth - 28);
  }
  resize() {
    const w = this.width();
    if (w !== this.plot.width) this.plot.setSize({ width: w, height: 120 });
  }
  setHistory(hist) {
    this.xs = hist.ts.map((t) => t / 1000);
    this.ys = hist.p.map((p) => (p === null ? null : p));
    this.plot.setData([this.xs, this.ys]);
  }
  addPoint(ts, p) {
    const x = ts / 1000;
    const last = this.xs[this.xs.length - 1];
    if (last !== undefined && x < last) {
      this.xs = [];
      this.ys = []; // replay looped back in time: start again
    }
    if (last === x) this.ys[this.ys.length - 1] = p;
    else {
      this.xs.push(x);
      this.ys.push(p);
    }
    if (this.xs.length > MAX_POINTS) {
      this.xs.splice(0, this.xs.length - MAX_POINTS);
      this.ys.splice(0, this.ys.length - MAX_POINTS);
    }
    this.plot.setData([this.xs, this.ys]);
  }
  setRegime(r, ts) {
    const label = regimeClass(r?.regime);
    this.el.dataset.regime = label;
    this.pill.className = `pill ${label}`;
    this.pill.textContent = label;
    if (!r) return;
    if (r.status === 'ok') {
      this.big.textContent = pct(r.probability);
      clear(this.sub).append(
        h(
          'span',
          { title: 'probability of an adverse move down (longs at risk) / up (shorts at risk)' },
          'down ',
          h('b', {}, pct(r.pDown)),
          ' · up ',
          h('b', {}, pct(r.pUp)),
        ),
        h('span', {}, `${r.horizonHours}h horizon · ${timeUtc(ts ?? r.asOf)} UTC`),
      );
    } else {
      this.big.textContent = '—';
      clear(this.sub).append(h('span', {}, 'score unavailable'), h('span', {}, r.reason ?? ''));
    }
    this.renderFeatures(r.contributions ?? []);
  }
  renderFeatures(contribs) {
    const top = [...contribs]
      .filter((c) => Number.isFinite(c.contribution))
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, 5);
    const max = Math.max(1e-9, ...top.map((c) => Math.abs(c.contribution)));
    clear(this.features);
    if (!top.length)
      return this.features.append(
        h('span', { class: 'muted' }, 'no feature contributions (baseline or unavailable score)'),
      );
    for (const c of top) {
      const bar = h('span', { class: c.contribution >= 0 ? 'up' : 'down' });
      bar.style.width = `${(Math.abs(c.contribution) / max) * 50}%`;
      this.features.append(
        h(
          'div',
          { class: 'feature', title: `${c.feature} = ${num(c.value)}` },
          h('span', { class: 'name' }, c.feature),
          h('span', { class: 'bar' }, bar),
          h('span', { class: 'val' }, (c.contribution >= 0 ? '+' : '') + c.contribution.toFixed(3)),
        ),
      );
    }
  }
  setQuality(q) {
    clear(this.quality);
    if (!q) return;
    if (q.degraded) this.quality.append(h('span', { class: 'chip degraded' }, 'DEGRADED'));
    if (!q.flags.length) this.quality.append(h('span', { class: 'chip ok' }, 'data OK'));
    for (const f of q.flags) this.quality.append(h('span', { class: 'chip bad', title: 'data-quality flag' }, f));
    if (q.missing?.length)
      this.quality.append(h('span', { class: 'chip bad', title: q.missing.join(', ') }, `${q.missing.length} missing`));
    this.quality.append(
      h('span', { class: 'muted' }, q.mark !== null && q.mark !== undefined ? `mark ${num(q.mark, 6)}` : ''),
    );
  }
}

export class SymbolCards {
  constructor() {
    this.root = $('symbols');
    this.cards = new Map();
  }
  card(symbol) {
    let c = this.cards.get(symbol);
    if (!c) this.cards.set(symbol, (c = new Card(symbol, this.root)));
    return c;
  }
  /** From /v1/dashboard/summary: history once, quality and regime every poll. */
  fromSummary(symbols, first) {
    for (const s of symbols) {
      const c = this.card(s.symbol);
      if (first) c.setHistory(s.history);
      if (first || !c.live) c.setRegime(s.regime);
      c.setQuality(s.quality);
    }
  }
  /** A live regime message from the stream. */
  onRegime(m) {
    const c = this.card(m.symbol);
    c.live = true;
    c.setRegime(m, m.ts);
    c.addPoint(m.ts, m.status === 'ok' ? m.probability : null);
  }
}
