/** Renders ReportData as one self-contained HTML page: inline CSS and SVG, no script, no
 * external resource. Every dynamic string is escaped. */
import type { AuditRecord } from './records.js';
import type { OrderRow, ReportData } from './report-data.js';
import { barChart, esc, OUTCOME_COLORS, REGIME_COLORS, regimeTimeline } from './report-svg.js';

export const REPORT_SECTIONS = [
  'summary',
  'chain',
  'outcomes',
  'rules',
  'denied',
  'capped',
  'regimes',
  'kills',
  'loads',
  'overrides',
  'controls',
] as const;

const iso = (t: number | null | undefined): string => (t === null || t === undefined ? '—' : new Date(t).toISOString());
const o = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
/** {type:'client', value:'alpha'} → "client alpha"; {type:'all'} → "all". */
const scopeText = (v: unknown): string => {
  const sc = o(v);
  if (typeof sc.type === 'string') return sc.value === undefined ? sc.type : `${sc.type} ${String(sc.value)}`;
  return Object.entries(sc)
    .map(([k, x]) => `${k}=${String(x)}`)
    .join(' ');
};
const str = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

function table(head: readonly string[], rows: readonly (readonly unknown[])[], empty: string): string {
  if (!rows.length) return `<p class="empty">${esc(empty)}</p>`;
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

const section = (id: string, title: string, body: string): string =>
  `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;

function orderTable(rows: readonly OrderRow[], capped: boolean, empty: string): string {
  return table(
    [
      'time',
      'client',
      'symbol',
      'side',
      'quantity',
      ...(capped ? ['approved'] : []),
      'price',
      'notional',
      'regime',
      'code / detail',
      'clientOrderId',
      'intent',
    ],
    rows.map((r) => [
      iso(r.ts),
      r.client,
      r.symbol,
      r.side,
      r.quantity,
      ...(capped ? [r.approvedQuantity] : []),
      r.price,
      r.notional,
      r.regime,
      r.detail || r.code,
      r.clientOrderId,
      `${r.intentId} (${r.instance}#${r.seq})`,
    ]),
    empty,
  );
}

function chainSection(d: ReportData): string {
  const v = d.verify;
  const status = v.ok
    ? `<p class="ok">Chain intact: ${esc(v.records)} records in ${esc(v.files)} file(s), ${esc(v.instances.length)} instance(s).</p>`
    : `<p class="bad">Chain BROKEN in ${esc(v.failures.length)} instance(s). Records after the first bad line cannot be trusted.</p>`;
  const rows = v.instances.map((i) => [
    i.instance,
    i.ok ? 'intact' : 'BROKEN',
    i.records,
    i.files,
    `${i.firstSeq ?? '—'}..${i.lastSeq ?? '—'}`,
    i.headHash ?? '—',
    i.failure ? `${i.failure.file}:${i.failure.line} ${i.failure.reason}: ${i.failure.message}` : '',
  ]);
  const breaks = v.breaks.length
    ? `<p>Sealed breaks (writer crashed mid-line, chain resumed and the break recorded):</p>` +
      table(
        ['instance', 'torn line', 'reason', 'resumed at'],
        v.breaks.map((b) => [b.instance, `${b.file}:${b.line}`, b.reason, b.resumedIn]),
        '',
      )
    : '';
  return (
    status +
    table(
      ['instance', 'status', 'records', 'files', 'seq', 'head hash', 'first bad line'],
      rows,
      'No audit segments found.',
    ) +
    breaks
  );
}

function loadWhat(r: AuditRecord): string {
  switch (r.type) {
    case 'policy_load': {
      const trigger = str(r.trigger) || (r.reload ? 'watch reload' : r.enforce !== undefined ? 'start' : '');
      const shadow = o(r.shadow);
      const head = [
        trigger,
        str(r.id ?? r.enforce),
        r.version !== undefined ? `v${str(r.version)}` : '',
        shadow.id ? `(shadow ${str(shadow.id)} ${str(shadow.sha256)})` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const kept = o(r.kept ?? r.current);
      return r.ok === false
        ? `FAILED ${head}: ${str(r.error)}${kept.id ? ` (kept ${str(kept.id)} ${str(kept.sha256)})` : ''}`
        : head;
    }
    case 'model_load':
      return [str(r.id), r.kind ? `(${str(r.kind)})` : '', str(r.card ?? r.source)].filter(Boolean).join(' ');
    case 'config_load': {
      const venues = Array.isArray(r.venues) ? r.venues.map((v) => str(o(v).id)).join(', ') : '';
      const clients = Array.isArray(r.clients) ? r.clients.map(str).join(', ') : '';
      return [str(r.source), venues && `venues: ${venues}`, clients && `clients: ${clients}`]
        .filter(Boolean)
        .join('; ');
    }
    case 'startup': {
      const brk = o(r.chainBreak);
      return [
        'start',
        r.version ? `version ${str(r.version)}` : '',
        r.market ? `market ${str(r.market)}` : '',
        brk.file ? `sealed chain break at ${str(brk.file)}:${str(brk.line)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
    }
    default:
      return str(r.source);
  }
}

function loadRow(r: AuditRecord): unknown[] {
  return [
    iso(r.ts),
    r.instance,
    r.type,
    loadWhat(r),
    str(r.sha256 ?? r.configSha256),
    str(r.previousSha256),
    str(r.operator),
  ];
}

function overrideRow(r: AuditRecord): unknown[] {
  const approvals = Array.isArray(r.approvals)
    ? r.approvals
        .map((a) => str(o(a).by))
        .filter(Boolean)
        .join(', ')
    : '';
  return [
    iso(r.ts),
    r.instance,
    str(r.state),
    scopeText(r.scope),
    str(r.ruleId),
    str(r.reason) + (r.endReason ? ` (${str(r.endReason)})` : ''),
    str(r.by),
    str(r.requestedBy),
    approvals,
    typeof r.expiresAt === 'number' ? iso(r.expiresAt) : '',
  ];
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#212121}h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;width:100%;font-size:12px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f5f5f5}
.ok{color:#2e7d32;font-weight:600}.bad{color:#c62828;font-weight:700}.empty{color:#757575;font-style:italic}.chart text{font-size:11px;fill:#333}.chart .grid{stroke:#e0e0e0}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{font-weight:600}.legend span{display:inline-block;padding:0 6px;margin-right:6px;color:#fff;border-radius:3px}`;

export function renderReportHtml(d: ReportData): string {
  const period = `${iso(d.from ?? d.firstTs)} → ${iso(d.to ?? d.lastTs)}`;
  const decisions = Object.values(d.byOutcome).reduce((a, b) => a + b, 0);
  const summary = `<dl>
<dt>Period</dt><dd>${esc(period)}</dd><dt>Generated</dt><dd>${esc(iso(d.generatedAt))}</dd>
<dt>Records</dt><dd>${esc(d.records)} (${esc(
    Object.entries(d.byType)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none',
  )})</dd>
<dt>Instances</dt><dd>${esc(d.instances.join(', ') || '—')}</dd><dt>Decisions</dt><dd>${esc(decisions)} (${esc(
    Object.entries(d.byOutcome)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none',
  )})</dd>
<dt>Execution reports</dt><dd>${esc(
    Object.entries(d.executions)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none',
  )}</dd><dt>Shadow differences</dt><dd>${esc(d.shadowDiffs)}</dd>
<dt>Chain</dt><dd class="${d.verify.ok ? 'ok' : 'bad'}">${d.verify.ok ? 'intact' : 'BROKEN'}</dd></dl>`;
  const outcomes = barChart(
    ['accept', 'modify', 'split', 'deny']
      .filter((k) => d.byOutcome[k] !== undefined)
      .concat(Object.keys(d.byOutcome).filter((k) => !['accept', 'modify', 'split', 'deny'].includes(k)))
      .map((k) => ({ label: k, value: d.byOutcome[k]!, color: OUTCOME_COLORS[k] ?? '#455a64' })),
    'Decisions by outcome',
  );
  const ruleEntries = Object.entries(d.byRule).sort(([, a], [, b]) => b.enforce + b.shadow - (a.enforce + a.shadow));
  const rules =
    barChart(
      ruleEntries.map(([id, r]) => ({ label: id, value: r.enforce + r.shadow })),
      'Rule hits (non-pass outcomes)',
    ) +
    table(
      ['rule', 'enforced', 'shadow', 'outcomes'],
      ruleEntries.map(([id, r]) => [
        id,
        r.enforce,
        r.shadow,
        Object.entries(r.outcomes)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', '),
      ]),
      'No rule acted in this period.',
    );
  const regimes = Object.keys(d.regimes).length
    ? `<p class="legend">${['stable', 'stressed', 'fragile', 'critical', 'unknown'].map((r) => `<span style="background:${REGIME_COLORS[r]}">${r}</span>`).join('')} line: probability of an adverse move, band: regime at decision time</p>` +
      Object.entries(d.regimes)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([sym, pts]) => `<h3>${esc(sym)}</h3>${regimeTimeline(pts, `Regime timeline ${sym}`)}`)
        .join('')
    : '<p class="empty">No decisions in this period.</p>';
  const kills = table(
    ['time', 'instance', 'event', 'scope', 'reason', 'operator'],
    d.kills.map((r) => [
      iso(r.ts),
      r.instance,
      r.type === 'kill' ? 'kill (HALTED)' : 'unkill (lifted)',
      scopeText(r.scope),
      str(r.reason),
      str(r.operator),
    ]),
    'No kill switch events in this period.',
  );
  const loads =
    table(
      ['time', 'instance', 'type', 'what', 'sha256', 'previous sha256', 'operator'],
      d.loads.map(loadRow),
      'No policy, model or config loads in this period.',
    ) +
    (d.inForceAtStart.length
      ? `<p>In force at the start of the period:</p>` +
        table(
          ['loaded', 'instance', 'type', 'what', 'sha256', 'previous sha256', 'operator'],
          d.inForceAtStart.map(loadRow),
          '',
        )
      : '');
  const overrides = d.overrides.length
    ? d.overrides
        .map(
          ({ overrideId, steps }) =>
            `<h3>Override ${esc(overrideId)}</h3>` +
            table(
              [
                'time',
                'instance',
                'transition',
                'scope',
                'rule',
                'reason',
                'by',
                'requested by',
                'approvals',
                'expires',
              ],
              steps.map(overrideRow),
              '',
            ),
        )
        .join('')
    : '<p class="empty">No overrides in this period.</p>';
  const controls = table(
    ['deny code', 'denials', 'regulatory control', 'meaning'],
    d.denyCodes.map((c) => [c.code, c.count, c.control, c.text]),
    'No denials in this period.',
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>liqguard compliance report ${esc(period)}</title><style>${STYLE}</style></head><body>
<h1>liqguard compliance report</h1>
${section('summary', 'Summary', summary)}
${section('chain', 'Audit chain verification', chainSection(d))}
${section('outcomes', 'Decisions by outcome', outcomes)}
${section('rules', 'Decisions by rule', rules)}
${section('denied', 'Largest denied orders', orderTable(d.topDenied, false, 'No denied orders in this period.'))}
${section('capped', 'Largest capped orders', orderTable(d.topCapped, true, 'No capped orders in this period.'))}
${section('regimes', 'Regime timeline', regimes)}
${section('kills', 'Kill switch', kills)}
${section('loads', 'Policy, model and config changes', loads)}
${section('overrides', 'Overrides', overrides)}
${section('controls', 'Denials by regulatory control (RTS 6 Art. 15, SEC 15c3-5)', controls)}
</body></html>
`;
}
