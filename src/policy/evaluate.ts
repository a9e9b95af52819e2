/** evaluate(): one order against one policy set. Pure: the same context, set and state always
 * give the same Decision. Every rule is evaluated and traced; only enforced rules shape the
 * outcome; the most restrictive enforced outcome wins (see README.md, "Precedence"). */
import { Decimal, decimalString, floorToStep } from '../core/decimal.js';
import { DENY_CODES, renderDenial, type DenyCode, type DenyParams } from '../core/deny-codes.js';
import type { ChildPlan, Decision, DenyDecision, RiskContext, RuleTrace, ThrottleRef } from '../core/types.js';
import { applyCap } from './cap.js';
import { compileCondition, MISSING, type CompiledCondition } from './conditions.js';
import { Facts } from './facts.js';
import { applyLossLimit, applyPositionLimit, applySelfTrade, latchGuard } from './limit-actions.js';
import { planSplit, singleChild } from './split-plan.js';
import { EMPTY_POLICY_STATE, type PolicyStateView } from './state.js';
import type { PolicySet, Rule, SplitAction } from './types.js';

export const TRADING_STATE_RULE = 'gateway.trading_state';

interface CompiledRule {
  readonly rule: Rule;
  readonly when: CompiledCondition;
  readonly unmatched: RuleTrace;
}

const compiled = new WeakMap<PolicySet, readonly CompiledRule[]>();
function compile(set: PolicySet): readonly CompiledRule[] {
  let c = compiled.get(set);
  if (!c) {
    c = set.rules.map((rule) => ({
      rule,
      when: compileCondition(rule.when, rule.unknown_as),
      unmatched: Object.freeze({
        ruleId: rule.id,
        action: rule.action.type,
        mode: rule.mode,
        matched: false,
        outcome: 'pass' as const,
      }),
    }));
    compiled.set(set, c);
  }
  return c;
}

function entry(
  cr: CompiledRule,
  outcome: RuleTrace['outcome'],
  extra?: Pick<RuleTrace, 'code' | 'detail' | 'params'>,
): RuleTrace {
  return { ruleId: cr.rule.id, action: cr.rule.action.type, mode: cr.rule.mode, matched: true, outcome, ...extra };
}

/** A matched rule that denies: params name the rule and the facts that matched. */
function denyByRule(
  cr: CompiledRule,
  f: Facts,
  t: boolean | typeof MISSING,
  code: DenyCode,
  message: string | undefined,
  trace: RuleTrace[],
  denies: Deny[] | undefined,
): void {
  const params: Record<string, string | number | boolean> = { rule: cr.rule.id };
  cr.when.describe(f, params);
  if (t === MISSING) params.missingData = true;
  if (message) params.message = message;
  trace.push(entry(cr, 'deny', { code, detail: renderDenial(code, params), params }));
  denies?.push({ ruleId: cr.rule.id, code, params });
}

// Between two denials the one listed first here wins, then catalog order, then rule id.
const STATE_CODES: readonly DenyCode[] = ['KILL_SWITCH', 'HALTED', 'REDUCE_ONLY_STATE', 'LOSS_LIMIT'];
const CATALOG = Object.keys(DENY_CODES) as DenyCode[];
const RANKS = new Map<DenyCode, number>(
  [...STATE_CODES, ...CATALOG.filter((c) => !STATE_CODES.includes(c))].map((c, i) => [c, i]),
);
const denyRank = (c: DenyCode): number => RANKS.get(c) ?? RANKS.size;

interface Deny {
  readonly ruleId: string;
  readonly code: DenyCode;
  readonly params: DenyParams;
}
interface Cap {
  readonly ruleId: string;
  readonly approved: Decimal;
  readonly code: DenyCode;
  readonly params: DenyParams;
}

const byRuleId = (a: { ruleId: string }, b: { ruleId: string }): number =>
  a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;

export function evaluate(ctx: RiskContext, set: PolicySet, state: PolicyStateView = EMPTY_POLICY_STATE): Decision {
  const f = new Facts(ctx, state);
  const { intent } = ctx;
  const trace: RuleTrace[] = [];
  const denies: Deny[] = [];
  const caps: Cap[] = [];
  const splits: { ruleId: string; action: SplitAction }[] = [];
  const throttles: ThrottleRef[] = [];

  // Trading state (kill switch, halt, reduce-only) comes first: an auditor reads it first.
  if (ctx.tradingState !== 'ACTIVE') {
    const halted = ctx.tradingState === 'HALTED';
    const code: DenyCode = halted
      ? ctx.tradingStateReason?.startsWith('kill')
        ? 'KILL_SWITCH'
        : 'HALTED'
      : 'REDUCE_ONLY_STATE';
    const allowed = halted ? set.settings.kill_allows_reduce_only && intent.reduceOnly && f.reducing : f.reducing;
    const params: DenyParams = {
      state: ctx.tradingState,
      ...(ctx.tradingStateReason ? { reason: ctx.tradingStateReason } : {}),
    };
    trace.push({
      ruleId: TRADING_STATE_RULE,
      action: 'trading_state',
      mode: 'enforce',
      matched: true,
      outcome: allowed ? 'pass' : 'deny',
      ...(allowed ? {} : { code, detail: renderDenial(code, params) }),
      params,
    });
    if (!allowed) denies.push({ ruleId: TRADING_STATE_RULE, code, params });
  }
  // Scopes latched by a loss limit (firm, desk, strategy, client, account) come right after.
  for (const g of latchGuard(f, set.settings)) {
    trace.push(g.trace);
    if (g.deny) denies.push({ ruleId: g.trace.ruleId, code: 'LOSS_LIMIT', params: g.deny });
  }
  let cancelResting: string[] | undefined;
  let stpMode: string | undefined;

  const rules = compile(set);
  for (let i = 0; i < rules.length; i++) {
    const cr = rules[i]!;
    const { rule } = cr;
    const t = cr.when.test(f);
    if (!(t === true || (t === MISSING && rule.on_missing === 'match'))) {
      trace.push(cr.unmatched); // shared frozen entry: no allocation for the common case
      continue;
    }
    const enforce = rule.mode === 'enforce';
    const a = rule.action;
    switch (a.type) {
      case 'reject':
        denyByRule(cr, f, t, a.code, a.message, trace, enforce ? denies : undefined);
        break;
      case 'halt':
        if (a.allow_reduce_only && intent.reduceOnly && f.reducing)
          trace.push(entry(cr, 'pass', { detail: 'reducing order allowed' }));
        else denyByRule(cr, f, t, 'HALTED', a.message, trace, enforce ? denies : undefined);
        break;
      case 'reduce_only':
        if (f.reducing) trace.push(entry(cr, 'pass', { detail: 'reducing order allowed' }));
        else denyByRule(cr, f, t, 'REDUCE_ONLY_STATE', a.message, trace, enforce ? denies : undefined);
        break;
      case 'cap': {
        const r = applyCap(rule.id, a, rule.unknown_as, f);
        if (r.kind === 'pass') trace.push(entry(cr, 'pass', { params: r.params }));
        else if (r.kind === 'deny') {
          trace.push(entry(cr, 'deny', { code: r.code, detail: renderDenial(r.code, r.params), params: r.params }));
          if (enforce) denies.push({ ruleId: rule.id, code: r.code, params: r.params });
        } else {
          trace.push(entry(cr, 'modify', { code: r.code, detail: renderDenial(r.code, r.params), params: r.params }));
          if (enforce) caps.push({ ruleId: rule.id, approved: r.approved, code: r.code, params: r.params });
        }
        break;
      }
      case 'loss_limit':
      case 'position_limit':
      case 'self_trade': {
        const r =
          a.type === 'loss_limit'
            ? applyLossLimit(rule.id, a, f, set.settings)
            : a.type === 'position_limit'
              ? applyPositionLimit(rule.id, a, f)
              : applySelfTrade(rule.id, a, f);
        if (r.kind === 'pass')
          trace.push(entry(cr, 'pass', { params: r.params, ...(r.detail ? { detail: r.detail } : {}) }));
        else if (r.kind === 'deny') {
          trace.push(entry(cr, 'deny', { code: r.code, detail: renderDenial(r.code, r.params), params: r.params }));
          if (enforce) denies.push({ ruleId: rule.id, code: r.code, params: r.params });
        } else {
          trace.push(entry(cr, 'modify', { code: r.code, detail: renderDenial(r.code, r.params), params: r.params }));
          if (enforce) caps.push({ ruleId: rule.id, approved: r.approved, code: r.code, params: r.params });
        }
        if (enforce && a.type === 'self_trade') {
          const cancel = (r as { cancel?: string[] }).cancel;
          if (cancel) cancelResting = [...new Set([...(cancelResting ?? []), ...cancel])].sort();
          if (a.venue_mode) stpMode ??= a.venue_mode;
        }
        break;
      }
      case 'split':
        trace.push(entry(cr, 'split'));
        if (enforce) splits.push({ ruleId: rule.id, action: a });
        break;
      case 'throttle': {
        const value =
          a.key === 'client'
            ? intent.clientId
            : a.key === 'account'
              ? intent.account
              : a.key === 'symbol'
                ? intent.symbol
                : intent.venue;
        const ref: ThrottleRef = { ruleId: rule.id, key: `${a.key}:${value}`, maxWaitMs: a.maxWaitMs };
        trace.push(entry(cr, 'throttle', { params: { key: ref.key } }));
        if (enforce) throttles.push(ref);
        break;
      }
    }
  }
  const d = decide(ctx, set, f, trace, denies, caps, splits, throttles.sort(byRuleId));
  if (d.kind === 'deny' || (!cancelResting && !stpMode)) return d;
  return {
    ...d,
    ...(cancelResting ? { cancelResting } : {}),
    ...(stpMode ? { selfTradePreventionMode: stpMode } : {}),
  };
}

function decide(
  ctx: RiskContext,
  set: PolicySet,
  f: Facts,
  trace: RuleTrace[],
  denies: Deny[],
  caps: Cap[],
  splits: { ruleId: string; action: SplitAction }[],
  throttles: ThrottleRef[],
): Decision {
  const { intent, instrument } = ctx;
  // Object literals rather than spreads: this runs once per order.
  const common = { originalQuantity: intent.quantity, policySetId: set.id, policySha256: set.sha256, trace };
  const denyWith = (d: Deny): DenyDecision => ({
    kind: 'deny',
    code: d.code,
    detail: renderDenial(d.code, d.params),
    params: d.params,
    originalQuantity: intent.quantity,
    approvedQuantity: '0',
    children: [],
    throttles: [],
    trace,
    policySetId: set.id,
    policySha256: set.sha256,
  });

  if (denies.length) {
    let winner = denies[0]!;
    for (let i = 1; i < denies.length; i++) {
      const b = denies[i]!;
      const rb = denyRank(b.code);
      const ra = denyRank(winner.code);
      if (rb < ra || (rb === ra && byRuleId(b, winner) < 0)) winner = b;
    }
    return denyWith(winner);
  }
  if (!caps.length && !splits.length) {
    const children = singleChild(intent.clientOrderId, intent.quantity, ctx.now, intent.price);
    return intent.price
      ? {
          kind: 'accept',
          originalQuantity: intent.quantity,
          approvedQuantity: intent.quantity,
          approvedPrice: intent.price,
          children,
          throttles,
          trace,
          policySetId: set.id,
          policySha256: set.sha256,
        }
      : {
          kind: 'accept',
          originalQuantity: intent.quantity,
          approvedQuantity: intent.quantity,
          children,
          throttles,
          trace,
          policySetId: set.id,
          policySha256: set.sha256,
        };
  }
  // Caps: the smallest approved size wins (ties: lowest rule id, so file order never matters).
  const cap = caps.reduce<Cap | undefined>(
    (a, b) => (!a || b.approved.lt(a.approved) || (b.approved.eq(a.approved) && byRuleId(b, a) < 0) ? b : a),
    undefined,
  );
  let approved = cap ? cap.approved : f.qty;
  let params: Record<string, string | number | boolean> = cap ? { ...cap.params } : {};
  let children: ChildPlan[] | undefined;

  if (splits.length) {
    // A split needs whole lots; flooring can only shrink the order.
    const lotted = floorToStep(approved, instrument.stepSize);
    if (lotted.lte(0) || lotted.lt(instrument.minQty)) {
      return denyWith({
        ruleId: splits[0]!.ruleId,
        code: 'BELOW_MIN_NOTIONAL',
        params: { rule: splits[0]!.ruleId, approved: lotted.toFixed(), minQty: instrument.minQty },
      });
    }
    approved = lotted;
    const input = {
      intentId: intent.intentId,
      clientOrderId: intent.clientOrderId,
      side: intent.side,
      quantity: approved,
      instrument,
      now: ctx.now,
      ...(intent.price ? { limitPrice: new Decimal(intent.price) } : {}),
      ...(f.refPrice ? { refPrice: f.refPrice } : {}),
    };
    // The plan with the most children is the most cautious (ties: lowest rule id).
    let best: { ruleId: string; action: SplitAction; children: ChildPlan[] } | undefined;
    for (const s of [...splits].sort(byRuleId)) {
      const plan = planSplit(input, s.action);
      if (!plan.ok)
        return denyWith({ ruleId: s.ruleId, code: plan.code, params: { rule: s.ruleId, reason: plan.reason } });
      if (!best || plan.children.length > best.children.length) best = { ...s, children: plan.children };
    }
    children = best!.children;
    params = {
      ...params,
      splitRule: best!.ruleId,
      children: children.length,
      intervalMs: best!.action.intervalMs,
      onEscalation: best!.action.on_escalation,
    };
  }
  const plan: readonly ChildPlan[] =
    children ?? singleChild(intent.clientOrderId, decimalString(approved), ctx.now, intent.price);
  const capped = !approved.eq(f.qty);
  const code = cap?.code;
  const forwarded = {
    ...common,
    ...(code ? { code, detail: renderDenial(code, params) } : {}),
    ...(Object.keys(params).length ? { params } : {}),
    approvedQuantity: capped ? decimalString(approved) : intent.quantity,
    ...(intent.price ? { approvedPrice: intent.price } : {}),
    throttles,
  };
  if (isSplitPlan(plan)) return { ...forwarded, kind: 'split', children: plan };
  const only: readonly [ChildPlan] = [plan[0]!];
  // One child: modify when the size was capped or the child got a protective price.
  if (capped || only[0].price !== intent.price || code) return { ...forwarded, kind: 'modify', children: only };
  return {
    ...common,
    ...(forwarded.params ? { params: forwarded.params } : {}),
    approvedQuantity: intent.quantity,
    ...(intent.price ? { approvedPrice: intent.price } : {}),
    throttles,
    kind: 'accept',
    children: only,
  };
}

const isSplitPlan = (c: readonly ChildPlan[]): c is readonly [ChildPlan, ChildPlan, ...ChildPlan[]] => c.length > 1;
