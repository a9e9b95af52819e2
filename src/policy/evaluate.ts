/** evaluate(): one order against one policy set. Pure: the same context, set and state always
 * give the same Decision. Every rule is evaluated and traced; only enforced rules shape the
 * outcome; the most restrictive enforced outcome wins (see README.md, "Precedence"). */
import { Decimal, floorToStep } from '../core/decimal.js';
import { DENY_CODES, renderDenial, type DenyCode, type DenyParams } from '../core/deny-codes.js';
import type { ChildPlan, Decision, RiskContext, RuleTrace, ThrottleRef } from '../core/types.js';
import { applyCap } from './cap.js';
import { compileCondition, MISSING, type CompiledCondition } from './conditions.js';
import { Facts } from './facts.js';
import { planSplit, singleChild } from './split-plan.js';
import { EMPTY_POLICY_STATE, type PolicyStateView } from './state.js';
import type { PolicySet, Rule, SplitAction } from './types.js';

export const TRADING_STATE_RULE = 'gateway.trading_state';

interface CompiledRule {
  readonly rule: Rule;
  readonly when: CompiledCondition;
}

const compiled = new WeakMap<PolicySet, readonly CompiledRule[]>();
function compile(set: PolicySet): readonly CompiledRule[] {
  let c = compiled.get(set);
  if (!c) compiled.set(set, (c = set.rules.map((rule) => ({ rule, when: compileCondition(rule.when, rule.unknown_as) }))));
  return c;
}

// Between two denials the one listed first here wins, then catalog order, then rule id.
const STATE_CODES: readonly DenyCode[] = ['KILL_SWITCH', 'HALTED', 'REDUCE_ONLY_STATE'];
const CATALOG = Object.keys(DENY_CODES) as DenyCode[];
const denyRank = (c: DenyCode): number => (STATE_CODES.includes(c) ? STATE_CODES.indexOf(c) : STATE_CODES.length + CATALOG.indexOf(c));

interface Deny { readonly ruleId: string; readonly code: DenyCode; readonly params: DenyParams }
interface Cap { readonly ruleId: string; readonly approved: Decimal; readonly code: DenyCode; readonly params: DenyParams }

const byRuleId = (a: { ruleId: string }, b: { ruleId: string }): number => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);

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
    const code: DenyCode = halted ? (ctx.tradingStateReason?.startsWith('kill') ? 'KILL_SWITCH' : 'HALTED') : 'REDUCE_ONLY_STATE';
    const allowed = halted ? set.settings.kill_allows_reduce_only && intent.reduceOnly && f.reducing : f.reducing;
    const params: DenyParams = { state: ctx.tradingState, ...(ctx.tradingStateReason ? { reason: ctx.tradingStateReason } : {}) };
    trace.push({ ruleId: TRADING_STATE_RULE, action: 'trading_state', mode: 'enforce', matched: true, outcome: allowed ? 'pass' : 'deny', ...(allowed ? {} : { code, detail: renderDenial(code, params) }), params });
    if (!allowed) denies.push({ ruleId: TRADING_STATE_RULE, code, params });
  }

  for (const { rule, when } of compile(set)) {
    const t = when.test(f);
    const matched = t === true || (t === MISSING && rule.on_missing === 'match');
    const base = { ruleId: rule.id, action: rule.action.type, mode: rule.mode, matched } as const;
    if (!matched) {
      trace.push({ ...base, outcome: 'pass' });
      continue;
    }
    const enforce = rule.mode === 'enforce';
    const a = rule.action;
    const deny = (code: DenyCode, extra: DenyParams = {}) => {
      const params: Record<string, string | number | boolean> = { rule: rule.id };
      when.describe(f, params);
      if (t === MISSING) params.missingData = true;
      Object.assign(params, extra);
      trace.push({ ...base, outcome: 'deny', code, detail: renderDenial(code, params), params });
      if (enforce) denies.push({ ruleId: rule.id, code, params });
    };
    switch (a.type) {
      case 'reject':
        deny(a.code, a.message ? { message: a.message } : {});
        break;
      case 'halt':
        if (a.allow_reduce_only && intent.reduceOnly && f.reducing) trace.push({ ...base, outcome: 'pass', detail: 'reducing order allowed' });
        else deny('HALTED', a.message ? { message: a.message } : {});
        break;
      case 'reduce_only':
        if (f.reducing) trace.push({ ...base, outcome: 'pass', detail: 'reducing order allowed' });
        else deny('REDUCE_ONLY_STATE', a.message ? { message: a.message } : {});
        break;
      case 'cap': {
        const r = applyCap(rule.id, a, rule.unknown_as, f);
        if (r.kind === 'pass') trace.push({ ...base, outcome: 'pass', params: r.params });
        else if (r.kind === 'deny') {
          trace.push({ ...base, outcome: 'deny', code: r.code, detail: renderDenial(r.code, r.params), params: r.params });
          if (enforce) denies.push({ ruleId: rule.id, code: r.code, params: r.params });
        } else {
          trace.push({ ...base, outcome: 'modify', code: r.code, detail: renderDenial(r.code, r.params), params: r.params });
          if (enforce) caps.push({ ruleId: rule.id, approved: r.approved, code: r.code, params: r.params });
        }
        break;
      }
      case 'split':
        trace.push({ ...base, outcome: 'split' });
        if (enforce) splits.push({ ruleId: rule.id, action: a });
        break;
      case 'throttle': {
        const value = a.key === 'client' ? intent.clientId : a.key === 'account' ? intent.account : a.key === 'symbol' ? intent.symbol : intent.venue;
        const ref: ThrottleRef = { ruleId: rule.id, key: `${a.key}:${value}`, maxWaitMs: a.maxWaitMs };
        trace.push({ ...base, outcome: 'throttle', params: { key: ref.key } });
        if (enforce) throttles.push(ref);
        break;
      }
    }
  }
  return decide(ctx, set, f, trace, denies, caps, splits, throttles.sort(byRuleId));
}

function decide(ctx: RiskContext, set: PolicySet, f: Facts, trace: RuleTrace[], denies: Deny[], caps: Cap[], splits: { ruleId: string; action: SplitAction }[], throttles: ThrottleRef[]): Decision {
  const { intent, instrument } = ctx;
  const common = { originalQuantity: intent.quantity, policySetId: set.id, policySha256: set.sha256, trace };
  const denyWith = (d: Deny): Decision => ({ ...common, kind: 'deny', code: d.code, detail: renderDenial(d.code, d.params), params: d.params, approvedQuantity: '0', children: [], throttles: [] });

  if (denies.length) {
    const winner = denies.reduce((a, b) => (denyRank(b.code) < denyRank(a.code) || (denyRank(b.code) === denyRank(a.code) && byRuleId(b, a) < 0) ? b : a));
    return denyWith(winner);
  }
  // Caps: the smallest approved size wins (ties: lowest rule id, so file order never matters).
  const cap = caps.reduce<Cap | undefined>((a, b) => (!a || b.approved.lt(a.approved) || (b.approved.eq(a.approved) && byRuleId(b, a) < 0) ? b : a), undefined);
  let approved = cap ? cap.approved : f.qty;
  let params: Record<string, string | number | boolean> = cap ? { ...cap.params } : {};
  let children: ChildPlan[] | undefined;

  if (splits.length) {
    // A split needs whole lots; flooring can only shrink the order.
    const lotted = floorToStep(approved, instrument.stepSize);
    if (lotted.lte(0) || lotted.lt(instrument.minQty)) {
      return denyWith({ ruleId: splits[0]!.ruleId, code: 'BELOW_MIN_NOTIONAL', params: { rule: splits[0]!.ruleId, approved: lotted.toFixed(), minQty: instrument.minQty } });
    }
    approved = lotted;
    const input = { intentId: intent.intentId, clientOrderId: intent.clientOrderId, side: intent.side, quantity: approved, instrument, now: ctx.now, ...(intent.price ? { limitPrice: new Decimal(intent.price) } : {}), ...(f.refPrice ? { refPrice: f.refPrice } : {}) };
    // The plan with the most children is the most cautious (ties: lowest rule id).
    let best: { ruleId: string; action: SplitAction; children: ChildPlan[] } | undefined;
    for (const s of [...splits].sort(byRuleId)) {
      const plan = planSplit(input, s.action);
      if (!plan.ok) return denyWith({ ruleId: s.ruleId, code: 'PRICE_COLLAR', params: { rule: s.ruleId, reason: plan.reason } });
      if (!best || plan.children.length > best.children.length) best = { ...s, children: plan.children };
    }
    children = best!.children;
    params = { ...params, splitRule: best!.ruleId, children: children.length, intervalMs: best!.action.intervalMs, onEscalation: best!.action.on_escalation };
  }
  children ??= singleChild(intent.clientOrderId, approved, ctx.now, intent.price);
  const capped = !approved.eq(f.qty);
  const kind = children.length > 1 ? 'split' : capped || children[0]!.price !== intent.price ? 'modify' : 'accept';
  const code = cap?.code;
  return {
    ...common,
    kind,
    ...(code ? { code, detail: renderDenial(code, params) } : {}),
    ...(Object.keys(params).length ? { params } : {}),
    approvedQuantity: capped ? approved.toFixed() : intent.quantity,
    ...(intent.price ? { approvedPrice: intent.price } : {}),
    children,
    throttles,
  };
}
