/** Policy evaluation throughput with a 50-rule set on one core: decisions/s and latency
 * percentiles (µs). Cases: the pure evaluate(); through PolicyManager's evaluator (adds the
 * per-rule Prometheus tallies); and with the stateful controls reading InMemoryPolicyState.
 * Aim: 100k decisions/s. BENCH_POLICY_SECONDS sets the time per case (default 3). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { Registry } from 'prom-client';
import type { Decision, RiskContext } from '../src/core/types.js';
import { evaluate } from '../src/policy/evaluate.js';
import { loadPolicyText } from '../src/policy/load.js';
import { PolicyManager } from '../src/policy/manager.js';
import { InMemoryPolicyState } from '../src/policy/state.js';
import type { PolicySet } from '../src/policy/types.js';
import { makeCtx, NOW } from '../test/policy/fixtures.js';
import { ds } from '../test/support/decimals.js';

const SECONDS = Number(process.env.BENCH_POLICY_SECONDS ?? 3);
const SYMBOLS = ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'XRP/USDT:USDT'];
const REGIMES = ['stable', 'stable', 'stable', 'stressed', 'fragile', 'critical', 'unknown'] as const;

/** 50 rules shaped like a real set: allow lists, per-symbol fat-finger limits, collars, regime
 * tables, feature conditions, a split, throttles, stateful controls and some shadow rules. */
function fiftyRules(): string {
  const r: string[] = [];
  r.push(
    `  - id: allow\n    when: { not: { symbol: [BTC/USDT:USDT, ETH/USDT:USDT, XRP/USDT:USDT, BNB/USDT:USDT] } }\n    reject: { code: SYMBOL_NOT_ALLOWED }`,
  );
  r.push(
    `  - id: perm\n    when: { all: [ { not: { client: [demo, "fund-*"] } }, { not: { symbol: ["BTC/*", "ETH/*"] } } ] }\n    reject: { code: CLIENT_NOT_PERMITTED }`,
  );
  for (let i = 0; i < 12; i++)
    r.push(
      `  - id: qty-${i}\n    when: { symbol: ${SYMBOLS[i % 3]}, side: ${i % 2 ? 'buy' : 'sell'}, quantity: { gt: ${100000 + i} } }\n    reject: { code: MAX_ORDER_QUANTITY }`,
    );
  for (let i = 0; i < 6; i++)
    r.push(
      `  - id: notional-${i}\n    when: { venue: sim, notional: { gt: ${5000000 + i * 1000} } }\n    reject: { code: MAX_ORDER_NOTIONAL }`,
    );
  r.push(
    `  - id: collar\n    when: { order_type: limit, price_deviation_pct: { gt: 5 } }\n    reject: { code: PRICE_COLLAR }`,
  );
  r.push(
    `  - id: collar-window\n    on_missing: skip\n    when: { window_price_move_pct: { window: 5m, gt: 20 } }\n    reject: { code: PRICE_COLLAR_WINDOW }`,
  );
  r.push(
    `  - id: msgs\n    when: { message_rate: { window: 1s, gt: 1000000 } }\n    reject: { code: MAX_MESSAGE_RATE }`,
  );
  r.push(`  - id: dup\n    when: { duplicate: { window: 1s } }\n    reject: { code: DUPLICATE_ORDER }`);
  r.push(
    `  - id: exposure\n    when: { reduce_only: false, client_exposure: { gt: 50000000 } }\n    reject: { code: EXPOSURE_LIMIT }`,
  );
  r.push(
    `  - id: regime-cap\n    when: { reduce_only: false }\n    cap: { notional: { stable: 400000, stressed: 200000, fragile: 100000, critical: 50000 } }`,
  );
  r.push(
    `  - id: lev-cap\n    when: { reduce_only: false }\n    cap: { leverage: { stable: 20, stressed: 10, fragile: 5, critical: 3 } }`,
  );
  r.push(`  - id: prob-cap\n    when: { probability: { gte: 0.7 } }\n    cap: { notional: 150000 }`);
  for (let i = 0; i < 8; i++)
    r.push(
      `  - id: feat-${i}\n    on_missing: skip\n    when: { feature: { rv_${24 + i}: { gt: ${5 + i} } }, regime: [fragile, critical] }\n    reject: { code: POLICY_REJECT }`,
    );
  r.push(
    `  - id: liq\n    when: { reduce_only: false, liquidation_distance_pct: { lt: 2 } }\n    reject: { code: LIQUIDATION_DISTANCE }`,
  );
  r.push(`  - id: night\n    when: { time: { from: "02:00", to: "03:00" } }\n    cap: { notional: 100000 }`);
  r.push(
    `  - id: split-large\n    when: { notional: { gt: 300000 } }\n    split: { child_notional: 100000, interval: 2s, jitter: 200ms }`,
  );
  r.push(
    `  - id: throttle-client\n    when: { client: [demo] }\n    throttle: { key: client, rate: { count: 50, per: 1s }, max_wait: 1s }`,
  );
  r.push(`  - id: throttle-symbol\n    throttle: { key: symbol, max_concurrent: 8, max_wait: 1s }`);
  for (let i = 0; i < 9; i++)
    r.push(
      `  - id: shadow-${i}\n    mode: shadow\n    when: { regime: [stressed, fragile, critical], notional: { gt: ${20000 + i * 10000} } }\n    cap: { notional: ${30000 + i * 5000} }`,
    );
  if (r.length !== 50) throw new Error(`expected 50 rules, built ${r.length}`);
  return `id: bench\nversion: 1\nrules:\n${r.join('\n')}\n`;
}

function contexts(n: number): RiskContext[] {
  return Array.from({ length: n }, (_, i) => {
    const symbol = SYMBOLS[i % 3]!;
    const lots = 1 + ((i * 7919) % 500);
    const quantity =
      symbol === 'BTC/USDT:USDT'
        ? (lots / 1000).toString()
        : symbol === 'ETH/USDT:USDT'
          ? (lots / 100).toString()
          : String(lots * 10);
    const limit = i % 3 === 0;
    return makeCtx({
      regime: REGIMES[i % REGIMES.length]!,
      probability: (i % 10) / 10,
      features: { rv_24: (i % 13) + 0.5, rv_25: 3 },
      intent: {
        intentId: `int_${i}`,
        clientOrderId: `bot-${i}`,
        symbol,
        side: i % 2 ? 'buy' : 'sell',
        quantity: ds(quantity),
        ...(limit
          ? {
              type: 'limit',
              price: ds(symbol === 'BTC/USDT:USDT' ? '111500' : symbol === 'ETH/USDT:USDT' ? '3990' : '2.49'),
            }
          : {}),
      },
    });
  });
}

function runCase(label: string, ctxs: RiskContext[], fn: (c: RiskContext) => Decision): string {
  for (let i = 0; i < 20_000; i++) fn(ctxs[i % ctxs.length]!); // warm-up (JIT)
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const kinds: Record<string, number> = {};
  let n = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(SECONDS * 1e9));
  let now = t0;
  while (now < end) {
    // Batches of 64 keep the timer cost out of the throughput; latency is sampled per batch.
    const a = now;
    for (let j = 0; j < 64; j++) {
      const d = fn(ctxs[n % ctxs.length]!);
      if (n < ctxs.length)
        kinds[d.code ? `${d.kind}:${d.code}` : d.kind] = (kinds[d.code ? `${d.kind}:${d.code}` : d.kind] ?? 0) + 1;
      n++;
    }
    now = process.hrtime.bigint();
    h.recordValue(Math.max(1, Math.round(Number(now - a) / 64 / 10))); // in 10 ns units
  }
  const secs = Number(now - t0) / 1e9;
  const us = (p: number) => (h.getValueAtPercentile(p) / 100).toFixed(2);
  return `${label.padEnd(44)} ${Math.round(n / secs)
    .toLocaleString('en-US')
    .padStart(
      10,
    )} decisions/s   per decision p50 ${us(50)} µs  p99 ${us(99)} µs  p99.9 ${us(99.9)} µs   mix ${JSON.stringify(kinds)}`;
}

const text = fiftyRules();
const set: PolicySet = loadPolicyText(text, 'bench');
const ctxs = contexts(4096);
const state = new InMemoryPolicyState();
for (let i = 0; i < 300; i++) {
  state.recordPrice('BTC/USDT:USDT', NOW - i * 1000, 111000 + (i % 50) * 20);
  state.recordMessage('demo', NOW - i * 3);
}
const dir = mkdtempSync(join(tmpdir(), 'lg-policy-bench-'));
writeFileSync(join(dir, 'bench.yaml'), text);
const manager = new PolicyManager({ dir, enforce: 'bench', state, registry: new Registry() });

console.log(
  `policy evaluation, ${set.rules.length} rules, ${ctxs.length} distinct orders, ${SECONDS}s per case, one core (node ${process.version})`,
);
console.log(runCase('evaluate() pure, empty state', ctxs, (c) => evaluate(c, set)));
console.log(runCase('evaluate() with InMemoryPolicyState', ctxs, (c) => evaluate(c, set, state)));
const ev = manager.evaluator();
console.log(runCase('PolicyManager evaluator (+ rule counters)', ctxs, (c) => ev.evaluate(c)));
