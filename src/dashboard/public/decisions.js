// The live decisions table (filters: client, symbol, outcome, rule) and the detail drawer.
import { api } from './api.js';
import { $, clear, dateTimeUtc, h, num, pct, regimeClass, timeUtc } from './dom.js';

const MAX_ROWS = 1000;
const SHOWN = 300;

/** Same row shape from REST orders and stream decision messages. */
export function rowFromOrder(o) {
  return {
    intentId: o.intentId,
    ts: o.createdAt,
    client: o.client,
    symbol: o.symbol,
    side: o.side,
    quantity: o.decision?.originalQuantity ?? '',
    outcome: o.decision?.kind ?? '',
    code: o.decision?.code ?? '',
    rules: (o.decision?.trace ?? []).filter((t) => t.matched).map((t) => t.ruleId),
    regime: o.regime?.regime ?? '',
  };
}
export function rowFromEvent(m) {
  return {
    intentId: m.intentId,
    ts: m.ts,
    client: m.client,
    symbol: m.symbol,
    side: m.side,
    quantity: m.quantity,
    outcome: m.outcome,
    code: m.decision?.code ?? '',
    rules: m.rules ?? [],
    regime: m.regime,
    fresh: true,
  };
}

export class DecisionsTable {
  constructor() {
    this.rows = [];
    this.seen = { client: new Set(), symbol: new Set(), rule: new Set() };
    this.body = $('decisions').querySelector('tbody');
    this.filters = { client: $('f-client'), symbol: $('f-symbol'), outcome: $('f-outcome'), rule: $('f-rule') };
    for (const f of Object.values(this.filters)) f.addEventListener('change', () => this.render());
    this.body.addEventListener('click', (ev) => {
      const tr = ev.target.closest('tr[data-intent-id]');
      if (tr) openDetail(tr.dataset.intentId);
    });
    this.pending = false;
  }
  load(rows) {
    const known = new Set(this.rows.map((r) => r.intentId));
    this.rows = [...this.rows, ...rows.filter((r) => !known.has(r.intentId))]
      .sort((a, b) => b.ts - a.ts)
      .slice(0, MAX_ROWS);
    rows.forEach((r) => this.learn(r));
    this.render();
  }
  add(row) {
    if (this.rows.some((r) => r.intentId === row.intentId)) return;
    // Newest decision time first, as load() sorts: a looping replay's decisions go back in time.
    const at = this.rows.findIndex((r) => r.ts <= row.ts);
    this.rows.splice(at < 0 ? this.rows.length : at, 0, row);
    if (this.rows.length > MAX_ROWS) this.rows.length = MAX_ROWS;
    this.learn(row);
    this.schedule();
  }
  learn(r) {
    this.addOption('client', r.client);
    this.addOption('symbol', r.symbol);
    r.rules.forEach((x) => this.addOption('rule', x));
  }
  addOption(kind, value) {
    if (!value || this.seen[kind].has(value)) return;
    this.seen[kind].add(value);
    this.filters[kind].append(h('option', { value }, value));
  }
  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }
  render() {
    const f = Object.fromEntries(Object.entries(this.filters).map(([k, el]) => [k, el.value]));
    const rows = this.rows.filter(
      (r) =>
        (!f.client || r.client === f.client) &&
        (!f.symbol || r.symbol === f.symbol) &&
        (!f.outcome || r.outcome === f.outcome) &&
        (!f.rule || r.rules.includes(f.rule)),
    );
    clear(this.body);
    for (const r of rows.slice(0, SHOWN)) {
      this.body.append(
        h(
          'tr',
          { dataset: { intentId: r.intentId, outcome: r.outcome }, class: r.fresh ? 'fresh' : '', title: r.intentId },
          h('td', { class: 'mono' }, dateTimeUtc(r.ts)),
          h('td', {}, r.client),
          h('td', { class: 'mono' }, r.symbol),
          h('td', { class: `side-${r.side}` }, r.side),
          h('td', { class: 'num' }, r.quantity),
          h('td', {}, h('span', { class: `pill ${r.outcome}` }, r.outcome)),
          h('td', { class: 'mono', title: r.rules.join(', ') }, r.code || r.rules.join(', ') || '—'),
          h('td', {}, h('span', { class: `pill ${regimeClass(r.regime)}` }, r.regime || '—')),
        ),
      );
      r.fresh = false;
    }
    $('decision-count').textContent =
      rows.length === this.rows.length ? String(rows.length) : `${rows.length} / ${this.rows.length}`;
    $('decisions-empty').classList.toggle('hidden', rows.length > 0);
  }
}

// ─── detail drawer ──────────────────────────────────────────────────────────────────────────
const kv = (pairs) =>
  h(
    'dl',
    { class: 'kv' },
    pairs
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null || v === '' ? '—' : v)]),
  );
const section = (title, ...body) => h('section', {}, h('h3', {}, title), ...body);
const table = (head, rows, rowClass) =>
  h(
    'table',
    { class: 'grid compact' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((x) => h('th', {}, x)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r, i) =>
        h(
          'tr',
          { class: rowClass ? rowClass(i) : '' },
          r.map((c) => h('td', {}, c ?? '—')),
        ),
      ),
    ),
  );

export async function openDetail(id) {
  const drawer = $('drawer');
  const body = clear($('drawer-body'));
  $('drawer-title').textContent = `Decision ${id}`;
  drawer.classList.add('open');
  drawer.setAttribute('aria-hidden', 'false');
  body.append(h('p', { class: 'muted' }, 'loading…'));
  let d;
  try {
    d = await api(`/v1/dashboard/decisions/${encodeURIComponent(id)}`);
  } catch (e) {
    clear(body).append(h('p', { class: 'error' }, e.message));
    return;
  }
  clear(body);
  const i = d.intent ?? {};
  const dec = d.decision ?? {};
  const o = d.order;
  body.append(
    section(
      'Order',
      kv([
        ['intent id', d.intentId],
        ['client order id', i.clientOrderId],
        ['client', i.clientId],
        ['account', i.account],
        ['venue', i.venue],
        ['symbol', i.symbol],
        ['side / type', `${i.side ?? ''} ${i.type ?? ''}`],
        ['quantity', i.quantity],
        ['price', i.price ?? null],
        ['reduce only', String(i.reduceOnly ?? '')],
        ['leverage', i.leverage ?? null],
        ['received', dateTimeUtc(i.receivedAt)],
        ['status', o?.status ?? null],
        ['filled', o ? `${o.filledQuantity}${o.avgPrice ? ' @ ' + o.avgPrice : ''}` : null],
      ]),
    ),
  );
  body.append(
    section(
      'Decision',
      h(
        'p',
        {},
        h('span', { class: `pill ${dec.kind}` }, dec.kind ?? '—'),
        ' ',
        h('span', { class: 'mono' }, dec.detail ?? dec.code ?? ''),
      ),
      kv([
        ['approved quantity', dec.approvedQuantity],
        ['original quantity', dec.originalQuantity],
        ['approved price', dec.approvedPrice ?? null],
        ['policy', dec.policySetId ? `${dec.policySetId} · ${String(dec.policySha256 ?? '').slice(0, 12)}` : null],
      ]),
    ),
  );
  const s = d.score;
  if (s) {
    body.append(
      section(
        'Regime score',
        kv([
          ['regime', h('span', { class: `pill ${regimeClass(s.regime)}` }, s.regime)],
          ['probability', pct(s.probability)],
          ['p down / p up', `${pct(s.pDown)} / ${pct(s.pUp)}`],
          ['model', s.modelId ? `${s.modelId} · ${String(s.modelSha256 ?? '').slice(0, 12)} (${s.scorer})` : s.scorer],
          ['reason', s.reason ?? undefined],
          ['as of', dateTimeUtc(s.asOf)],
        ]),
        s.contributions?.length
          ? table(
              ['feature', 'value', 'contribution'],
              s.contributions.map((c) => [c.feature, num(c.value), c.contribution.toFixed(4)]),
            )
          : null,
      ),
    );
  } else {
    body.append(
      section(
        'Regime',
        kv([
          ['regime', h('span', { class: `pill ${regimeClass(d.regime)}` }, d.regime ?? 'unknown')],
          [
            'inputs',
            'not recorded here (the gateway does not pass dashboard.observer to the pipeline); the audit log has the full record',
          ],
        ]),
      ),
    );
  }
  const m = d.market;
  if (m) {
    body.append(
      section(
        'Market inputs',
        kv([
          ['mark / last', `${num(m.mark, 8)} / ${num(m.last, 8)}`],
          ['bid / ask', `${num(m.bid, 8)} / ${num(m.ask, 8)}`],
          ['as of', `${dateTimeUtc(m.asOf)} (age ${Math.round((m.ageMs ?? 0) / 1000)} s)`],
          ['flags', m.flags?.length ? m.flags.join(', ') : 'none'],
          ['missing', m.missing?.length ? m.missing.join(', ') : 'none'],
        ]),
        table(
          ['feature', 'value'],
          Object.entries(m.features ?? {}).map(([k, v]) => [k, num(v)]),
        ),
      ),
    );
  }
  const trace = dec.trace ?? [];
  body.append(
    section(
      `Rule trace (${trace.filter((t) => t.matched).length} matched of ${trace.length})`,
      table(
        ['rule', 'action', 'mode', 'matched', 'outcome', 'code / detail'],
        trace.map((t) => [t.ruleId, t.action, t.mode, t.matched ? 'yes' : 'no', t.outcome, t.detail ?? t.code ?? '']),
        (idx) => (trace[idx].matched ? 'matched' : 'unmatched'),
      ),
    ),
  );
  const children = o?.children ?? [];
  body.append(
    section(
      `Children (${children.length})`,
      children.length
        ? table(
            ['client order id', 'qty', 'price', 'not before', 'status', 'filled', 'venue id', 'code'],
            children.map((c) => [
              c.clientOrderId,
              c.quantity,
              c.price ?? '',
              timeUtc(c.notBefore),
              c.status,
              c.filledQuantity + (c.avgPrice ? ' @ ' + c.avgPrice : ''),
              c.venueOrderId ?? '',
              c.code ?? c.reason ?? '',
            ]),
          )
        : h('p', { class: 'muted' }, dec.kind === 'deny' ? 'denied: nothing sent to the venue' : 'none'),
    ),
  );
  const reports = d.reports ?? [];
  body.append(
    section(
      `Venue reports (${reports.length})`,
      reports.length
        ? table(
            ['time', 'client order id', 'status', 'filled', 'last fill', 'code / reason'],
            reports.map((r) => [
              timeUtc(r.ts),
              r.clientOrderId,
              r.status,
              `${r.filledQuantity}/${r.quantity}`,
              r.lastFillQuantity ? `${r.lastFillQuantity} @ ${r.lastFillPrice}` : r.avgPrice ? `avg ${r.avgPrice}` : '',
              r.code ?? r.reason ?? '',
            ]),
          )
        : h('p', { class: 'muted' }, 'none'),
    ),
  );
}

export function closeDetail() {
  $('drawer').classList.remove('open');
  $('drawer').setAttribute('aria-hidden', 'true');
}
