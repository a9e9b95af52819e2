/** The replay report as one self-contained HTML page (inline CSS and SVG, no scripts). Every
 * string from the report (policy ids, symbols, rule ids, details) is escaped. */
import type { Arm } from './config.js';
import { KINDS, REGIMES } from './recorder.js';
import {
  ARM_COLORS,
  esc,
  fmtNum,
  KIND_COLORS,
  lineChart,
  REGIME_COLORS,
  stackedBars,
  type Marker,
} from './report-svg.js';
import type { ArmReport, ReplayReport } from './summary.js';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#212121;padding:0 12px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f5f5f5}
td.l,th.l{text-align:left}.chart text{font-size:11px;fill:#424242}.chart .grid{stroke:#eee}.empty{color:#757575}
.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.lead{font-size:15px;background:#f5f9ff;padding:10px;border-left:4px solid #1565c0}
code{background:#f5f5f5;padding:1px 4px}.wrap{overflow-x:auto}table{font-size:12.5px}td{vertical-align:top}.small{color:#616161;font-size:12px}`;

const when = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
const pct = (v: number): string => `${v.toFixed(1)}%`;
const money = (v: number): string => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
const td = (v: unknown, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`;

function table(head: readonly string[], rows: readonly (readonly unknown[])[], leftCols = 1): string {
  const th = head.map((h, i) => `<th${i < leftCols ? ' class="l"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => td(c, i < leftCols ? 'l' : '')).join('')}</tr>`).join('');
  return `<div class="wrap"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function legend(colors: Readonly<Record<string, string>>): string {
  return `<p class="small">${Object.entries(colors)
    .map(([k, c]) => `<span class="swatch" style="background:${esc(c)}"></span>${esc(k)}`)
    .join('')}</p>`;
}

/** One sentence per strategy: what the policy changed. */
export function headline(r: ReplayReport): string[] {
  return r.strategies.map((s) => {
    const c = r.comparison[s.name]!;
    const p = c.policy;
    const b = c.baseline;
    return (
      `${s.name}: liquidations ${b.liquidationEvents} → ${p.liquidationEvents}, max drawdown ` +
      `${pct(b.maxDrawdownPct)} → ${pct(p.maxDrawdownPct)}, PnL ${money(b.pnl)} → ${money(p.pnl)} USDT ` +
      `(${pct(b.pnlPct)} → ${pct(p.pnlPct)}), average gross leverage ${b.avgGrossLeverage}x → ` +
      `${p.avgGrossLeverage}x (without → with ${r.arms.policy.policy.id}).`
    );
  });
}

function liqMarkers(
  r: ReplayReport,
  arm: Arm,
  strategy: string | undefined,
  value: (l: ArmReport['liquidations'][number]) => number,
): Marker[] {
  return r.arms[arm].liquidations
    .filter((l) => !strategy || l.strategy === strategy)
    .map((l) => ({
      ts: Date.parse(l.time),
      value: value(l),
      color: ARM_COLORS[arm]!,
      title: `${r.arms[arm].label}: ${l.strategy} liquidated ${l.symbol} ${l.quantity} @ ${l.price} (${l.time})`,
    }));
}

function decisionsSection(a: ArmReport): string {
  const rows = REGIMES.map((g) => [
    g,
    ...KINDS.map((k) => a.decisions.byRegime[g][k]),
    money(a.decisions.notionalByRegime[g].requested),
    money(a.decisions.notionalByRegime[g].approved),
    money(a.decisions.notionalByRegime[g].heldBack),
  ]);
  const bars = stackedBars(
    `decisions by regime, ${a.label}`,
    REGIMES.map((g) => ({
      label: g,
      parts: KINDS.map((k) => ({ key: k, value: a.decisions.byRegime[g][k], color: KIND_COLORS[k]! })),
    })),
  );
  const codes = Object.entries(a.decisions.byCode).map(([k, v]) => [k, v]);
  const rules = Object.entries(a.decisions.byRule).map(([k, v]) => [k, v]);
  return `<h3>${esc(a.label)} (${esc(a.decisions.total)} decisions, policy <code>${esc(a.policy.id)}</code> v${esc(a.policy.version)}, sha256 <code>${esc(a.policy.sha256.slice(0, 12))}</code>)</h3>
${table(['regime', ...KINDS, 'requested USDT', 'approved USDT', 'held back USDT'], rows)}
${bars}${legend(KIND_COLORS)}
${codes.length ? `<p>Codes</p>${table(['code', 'orders'], codes)}` : '<p class="empty">No denial or cap codes.</p>'}
${rules.length ? `<p>Rules that shaped orders (enforced, matched, not a pass)</p>${table(['rule', 'orders'], rules)}` : '<p class="empty">No rule changed any order.</p>'}`;
}

export function renderReportHtml(r: ReplayReport): string {
  const arms: Arm[] = ['policy', 'baseline'];
  const P = r.arms.policy;
  const B = r.arms.baseline;
  const ts = r.series.ts;
  const compRows = r.strategies.flatMap((s) =>
    arms.map((a) => {
      const o = r.arms[a].strategies[s.name]!;
      return [
        s.name,
        r.arms[a].label,
        o.liquidationEvents,
        o.positionsLiquidated,
        pct(o.maxDrawdownPct),
        money(o.pnl),
        pct(o.pnlPct),
        money(o.finalEquity),
        `${o.avgGrossLeverage}x / ${o.maxGrossLeverage}x`,
        money(o.pnlParts.fee ?? 0),
        money(o.notional.heldBack),
        o.orders.submitted,
      ];
    }),
  );
  const equity = r.strategies.map((s) => {
    const eq = (a: Arm) => r.series.equity[a][s.name] ?? [];
    const at = (a: Arm, t: number) =>
      eq(a)[
        Math.max(
          0,
          ts.findIndex((x) => x >= t),
        )
      ] ?? 0;
    const markers = arms.flatMap((a) => liqMarkers(r, a, s.name, (l) => at(a, Date.parse(l.time))));
    return (
      `<h3>${esc(s.name)} <span class="small">${esc(s.spec)}</span></h3>` +
      lineChart({
        title: `equity of ${s.name} (USDT)`,
        ts,
        lines: arms.map((a) => ({
          label: r.arms[a].label,
          values: eq(a),
          color: ARM_COLORS[a]!,
          ...(a === 'baseline' ? { dash: true } : {}),
        })),
        markers,
      }) +
      lineChart({
        title: `drawdown of ${s.name} (%)`,
        ts,
        height: 160,
        yFormat: (v) => `${v.toFixed(0)}%`,
        lines: arms.map((a) => ({
          label: `${r.arms[a].label} drawdown`,
          values: r.series.drawdownPct[a][s.name] ?? [],
          color: ARM_COLORS[a]!,
          ...(a === 'baseline' ? { dash: true } : {}),
        })),
      })
    );
  });
  const prices = r.symbols.map((sym) => {
    const m = r.series.market[sym]!;
    const markers = arms.flatMap((a) =>
      liqMarkers(r, a, undefined, (l) => l.price).filter((_, i) => r.arms[a].liquidations[i]!.symbol === sym),
    );
    const hours = r.regimeHours[sym]!;
    return (
      `<h3>${esc(sym)}</h3>` +
      lineChart({
        title: `${sym} close with liquidations, regime band below`,
        ts,
        lines: [
          { label: 'hourly low', values: m.low, color: '#bdbdbd' },
          { label: 'hourly high', values: m.high, color: '#bdbdbd' },
          { label: `${sym} close`, values: m.close, color: '#424242' },
        ],
        markers,
        band: m.regime,
      }) +
      `<p class="small">Hours by regime: ${REGIMES.map((g) => `${esc(g)} ${esc(hours[g])}`).join(', ')}</p>`
    );
  });
  const latchRows = P.latches.map((l) => [when(l.time), `${l.level} ${l.id}`, l.state, l.reason]);
  const liqRows = arms.flatMap((a) =>
    r.arms[a].liquidations.map((l) => [
      r.arms[a].label,
      when(l.time),
      l.strategy,
      l.symbol,
      l.side,
      l.quantity,
      l.price,
      money(l.notional),
    ]),
  );
  const samples = P.decisions.samples.map((d) => [
    when(d.time),
    d.strategy,
    d.symbol,
    `${d.side}${d.reduceOnly ? ' (reduce-only)' : ''}`,
    d.type,
    d.regime,
    d.kind,
    d.detail ?? d.code ?? '',
    money(d.requestedNotional),
    money(d.approvedNotional),
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(`liqguard replay: ${P.policy.id} vs no policy, ${r.window.from.slice(0, 10)} to ${r.window.to.slice(0, 10)}`)}</title><style>${CSS}</style></head><body>
<h1>liqguard replay: <code>${esc(P.policy.id)}</code> vs no policy</h1>
<p>${esc(r.symbols.join(', '))}, ${esc(r.window.from)} → ${esc(r.window.to)} (${esc(r.window.steps)} hourly steps, features warmed up from ${esc(r.window.warmupFrom.slice(0, 10))}), ${esc(money(Number(r.balance)))} USDT per account.
Scorer: ${esc(r.scorer.id)} (${esc(r.scorer.note)}).</p>
<div class="lead">${headline(r)
    .map((h) => `<p>${esc(h)}</p>`)
    .join('')}</div>
<h2>Accounts, with and without the policy</h2>
${table(['strategy', 'arm', 'liquidation events', 'positions liquidated', 'max drawdown', 'PnL USDT', 'PnL %', 'final equity', 'gross leverage avg / max', 'fees', 'held back USDT', 'orders'], compRows, 2)}
<p class="small">Strategies: ${r.strategies.map((s) => `<code>${esc(s.spec)}</code>`).join(' ')}</p>
<h2>Equity and drawdown</h2>${legend({ [P.label]: ARM_COLORS.policy!, [B.label]: ARM_COLORS.baseline! })}<p class="small">Crosses mark liquidations.</p>
${equity.join('\n')}
<h2>Prices, regimes and liquidations</h2>${legend(REGIME_COLORS)}
${prices.join('\n')}
<h2>Decisions by regime and action</h2>
${decisionsSection(P)}
${decisionsSection(B)}
<h2>Notional held back</h2>
<p>${esc(P.label)}: ${esc(money(P.decisions.heldBack))} USDT requested but not approved; ${esc(B.label)}: ${esc(money(B.decisions.heldBack))} USDT.</p>
${lineChart({ title: 'cumulative notional held back (USDT)', ts, height: 180, lines: arms.map((a) => ({ label: r.arms[a].label, values: r.series.heldBackCumulative[a], color: ARM_COLORS[a]!, ...(a === 'baseline' ? { dash: true } : {}) })) })}
<h2>Liquidations</h2>
${liqRows.length ? table(['arm', 'time', 'strategy', 'symbol', 'forced side', 'quantity', 'price', 'notional USDT'], liqRows, 5) : '<p class="empty">No account was liquidated in either arm.</p>'}
<h2>Loss-limit latches</h2>
${latchRows.length ? table(['time', 'scope', 'state', 'reason'], latchRows, 5) : '<p class="empty">No loss limit latched a scope.</p>'}
<h2>Orders the policy changed (${esc(P.decisions.samples.length)} examples: the first few of each regime, action, code and bot)</h2>
${samples.length ? table(['time', 'strategy', 'symbol', 'side', 'type', 'regime', 'decision', 'detail', 'requested', 'approved'], samples, 8) : '<p class="empty">The policy changed no order.</p>'}
<h2>How this was run</h2>
<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
<p class="small">Audit logs: <code>${esc(P.auditDir)}</code>, <code>${esc(B.auditDir)}</code> (verify with <code>liqguard audit verify</code>). Data: ${r.dataNotes.map((n) => esc(n)).join('; ')}.</p>
<p class="small">Values: ${esc(fmtNum(1234567))} = 1.2 million USDT. Report format v${esc(r.version)}.</p>
</body></html>
`;
}
