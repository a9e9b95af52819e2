/** Builders of realistic audit bodies and temp directories for the audit tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.js';
import type { Decision, DecisionKind, ExecutionReport, OrderIntent, RuleTrace } from '../../src/core/types.js';
import type { DenyCode } from '../../src/core/deny-codes.js';
import { AuditLog, type AuditLogOptions } from '../../src/audit/writer.js';
import type { DecisionRecordBody, ExecutionRecordBody } from '../../src/audit/records.js';
import { DECIMAL_ZERO } from '../../src/core/decimal.js';
import { ds } from '../support/decimals.js';

export const T0 = Date.UTC(2024, 2, 1, 12, 0, 0); // 2024-03-01T12:00:00Z

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'liqguard-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openLog(dir: string, clock: ManualClock, opts: Partial<AuditLogOptions> = {}): AuditLog {
  return AuditLog.open({ dir, instance: 'gw1', clock, rotateBytes: 0, rotateDaily: true, ...opts });
}

export interface DecisionSpec {
  n: number;
  client?: string;
  symbol?: string;
  kind?: DecisionKind;
  code?: DenyCode;
  ruleId?: string;
  quantity?: string;
  price?: string;
  mark?: number;
  probability?: number;
  regime?: 'stable' | 'stressed' | 'fragile' | 'critical';
  clientOrderId?: string;
}

function intent(s: DecisionSpec): OrderIntent {
  return {
    intentId: `int_${String(s.n).padStart(6, '0')}`,
    clientOrderId: s.clientOrderId ?? `bot-${s.n}`,
    clientId: s.client ?? 'alpha',
    account: 'acct1',
    venue: 'sim',
    symbol: s.symbol ?? 'BTC/USDT:USDT',
    side: s.n % 2 ? 'buy' : 'sell',
    type: 'limit',
    quantity: ds(s.quantity ?? '0.5'),
    price: ds(s.price ?? '65000'),
    reduceOnly: false,
    postOnly: false,
    timeInForce: 'GTC',
    receivedAt: T0 + s.n,
    transport: 'rest',
  };
}

export function decisionBody(s: DecisionSpec): DecisionRecordBody {
  const kind = s.kind ?? 'accept';
  const i = intent(s);
  const ruleId = s.ruleId ?? 'regime-cap';
  const trace: RuleTrace[] = [
    { ruleId: 'max-qty', action: 'reject', mode: 'enforce', matched: false, outcome: 'pass' },
    {
      ruleId,
      action: kind === 'deny' ? 'reject' : 'cap',
      mode: 'enforce',
      matched: kind !== 'accept',
      outcome: kind === 'accept' ? 'pass' : kind,
      ...(s.code ? { code: s.code } : {}),
    },
  ];
  // The stored shape the compaction reads (records predate the Decision union): not built through it.
  const decision = {
    kind,
    ...(s.code ? { code: s.code, detail: `${s.code}: limit=1` } : {}),
    originalQuantity: i.quantity,
    approvedQuantity: kind === 'deny' ? '0' : kind === 'modify' ? '0.1' : i.quantity,
    children: [],
    throttles: [],
    trace,
    policySetId: 'default',
    policySha256: 'a'.repeat(64),
  } as unknown as Decision;
  const probability = s.probability ?? 0.1;
  return {
    intentId: i.intentId,
    client: i.clientId,
    account: i.account,
    venue: i.venue,
    symbol: i.symbol,
    intent: i,
    market: {
      asOf: T0,
      ageMs: 40,
      mark: s.mark ?? 65010,
      last: 65005,
      bid: 65000,
      ask: 65010,
      flags: [],
      degraded: false,
      missing: ['oiChange'],
      ages: { book: 40, mark: 100 },
      features: { ret1h: 0.01, oiChange: null },
    },
    score: {
      status: 'ok',
      symbol: i.symbol,
      asOf: T0,
      scorer: 'model',
      modelId: 'gbdt-v1',
      modelSha256: 'b'.repeat(64),
      pDown: probability,
      pUp: probability / 2,
      probability,
      regime: s.regime ?? 'stable',
      horizonHours: 4,
      contributions: [{ feature: 'ret1h', value: 0.01, contribution: 0.2 }],
    },
    model: { id: 'gbdt-v1', sha256: 'b'.repeat(64), kind: 'model' },
    exposure: { openOrdersNotional: '0', clientNotional: '32500', postFillQuantity: '0.5', reducesPosition: false },
    tradingState: { state: 'ACTIVE' },
    decision,
    outcome: kind,
    policy: { id: 'default', sha256: 'a'.repeat(64) },
  };
}

export function executionBody(n: number, status: ExecutionReport['status'] = 'filled'): ExecutionRecordBody {
  const report: ExecutionReport = {
    venue: 'sim',
    account: 'acct1',
    symbol: 'BTC/USDT:USDT',
    clientOrderId: `bot-${n}`,
    venueOrderId: `v${n}`,
    side: 'buy',
    status,
    quantity: ds('0.5'),
    filledQuantity: status === 'filled' ? ds('0.5') : DECIMAL_ZERO,
    ts: T0 + n,
  };
  return { intentId: `int_${String(n).padStart(6, '0')}`, client: 'alpha', symbol: report.symbol, status, report };
}

/** Writes `n` decision records, 1 s apart, alternating outcomes; returns the hashes. */
export function writeDecisions(log: AuditLog, clock: ManualClock, n: number, step = 1000): string[] {
  const kinds: DecisionKind[] = ['accept', 'deny', 'modify', 'accept'];
  const hashes: string[] = [];
  for (let i = 1; i <= n; i++) {
    const kind = kinds[i % kinds.length]!;
    hashes.push(
      log.append(
        'decision',
        decisionBody({
          n: i,
          kind,
          ...(kind === 'deny' ? { code: 'MAX_ORDER_NOTIONAL' as const, ruleId: 'max-notional' } : {}),
        }),
      ).hash,
    );
    clock.advance(step);
  }
  return hashes;
}
