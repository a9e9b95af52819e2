/** The policy file's TypeBox schema + semantic step against the hand-written validator it replaced
 * (kept under test/policy/legacy only as the oracle): the same documents are accepted with the same
 * compiled set, the same documents are refused, and a refusal names the same rules. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from '../../src/policy/schema.js';
import { parsePolicyDocument as legacyParse } from './legacy/schema.js';

/** Mostly values the format allows, sometimes one it refuses: documents of both kinds. */
const pick = (good: unknown[], bad: unknown[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 40 }, { arbitrary: fc.constantFrom(...bad), weight: 1 });
const decimalArb = fc.oneof(
  { arbitrary: fc.constantFrom('1000', '0.5', '12.250', 250, 0.25, 3), weight: 40 },
  { arbitrary: fc.constantFrom(-5, '-1', '0', 0, 'lots', '', null, '1e3', ' 1', [], {}), weight: 1 },
);
const durationArb = fc.oneof(
  { arbitrary: fc.constantFrom('1s', '250ms', '2m', '1h', 1500, 5000), weight: 40 },
  { arbitrary: fc.constantFrom('soon', -1, 1.5, '1x', '90000000s', null, true, 0, '2d'), weight: 1 },
);
const cmpArb = fc.record({ gt: decimalArb, gte: decimalArb, lt: decimalArb, lte: decimalArb }, { requiredKeys: [] });
const withBogus = (arb: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(arb, fc.nat(99)).map(([o, n]) => (n === 0 ? { ...o, colour: 'blue' } : o));
const cmp = () => withBogus(cmpArb);
const globArb = fc.oneof(
  { arbitrary: fc.constantFrom('BTC*', 'client-?', ['a', 'b'], ['x']), weight: 40 },
  { arbitrary: fc.constantFrom([], '', 5, [''], null), weight: 1 },
);
const regimeArb = fc.oneof(
  { arbitrary: fc.constantFrom('stable', 'critical', ['stressed', 'unknown'], ['fragile']), weight: 40 },
  { arbitrary: fc.constantFrom('calm', [], ['stable', 'hot'], 3), weight: 1 },
);
const levelArb = pick(['client', 'strategy', 'desk', 'firm', 'account'], ['team']);
const windowCmp = (win: fc.Arbitrary<unknown>) => fc.tuple(cmp(), win).map(([c, window]) => ({ ...c, window }));

const conditionArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ cond: Record<string, unknown> }>((tie) => ({
  cond: withBogus(
    fc.record(
      {
        client: globArb,
        symbol: globArb,
        side: pick(['buy', 'sell'], ['both']),
        reduce_only: pick([true, false], ['yes']),
        order_type: pick(['market', 'limit'], ['stop']),
        regime: regimeArb,
        notional: cmp(),
        feature: fc.oneof(
          fc.constant({}),
          fc.dictionary(fc.constantFrom('vol', 'depth'), cmp(), { minKeys: 1 }).map((d) => ({ ...d })),
        ),
        message_rate: windowCmp(durationArb),
        duplicate: fc.oneof(
          { arbitrary: fc.record({ window: durationArb }), weight: 20 },
          { arbitrary: fc.constant({}), weight: 1 },
        ),
        time: fc.record(
          {
            from: pick(['09:00', '23:59'], ['24:00']),
            to: pick(['17:30'], ['9:00']),
            days: pick(['mon', ['sat', 'sun']], [[], ['fri', 'holiday']]),
          },
          { requiredKeys: [] },
        ),
        daily_pnl: fc.tuple(cmp(), fc.option(levelArb, { nil: undefined })).map(([c, level]) => ({ ...c, level })),
        cancel_ratio: fc
          .tuple(windowCmp(pick(['1m', '1h'], ['500ms'])), pick([undefined, 1, 5], [0]))
          .map(([c, min_orders]) => ({ ...c, min_orders })),
        any: fc.oneof(
          { maxDepth: 2, depthIdentifier: 'cond' },
          fc.constant([{}]),
          fc.constant([]),
          fc.array(tie('cond'), { minLength: 1, maxLength: 2 }),
        ),
        not: fc.oneof({ maxDepth: 2, depthIdentifier: 'cond' }, fc.constant({}), tie('cond')),
      },
      { requiredKeys: [] },
    ),
  ),
})).cond;

const limitArb = fc.oneof(
  { arbitrary: decimalArb, weight: 3 },
  {
    arbitrary: withBogus(
      fc.record({ stable: decimalArb, critical: decimalArb, unknown: decimalArb }, { requiredKeys: [] }),
    ),
    weight: 3,
  },
);
const actionArbs: Record<string, fc.Arbitrary<unknown>> = {
  cap: withBogus(
    fc.oneof(
      {
        arbitrary: fc.record(
          { notional: limitArb, quantity: limitArb, code: pick(['MAX_ORDER_NOTIONAL'], ['NOT_A_CODE']) },
          { requiredKeys: ['notional'] },
        ),
        weight: 20,
      },
      { arbitrary: fc.constant({ code: 'MAX_ORDER_NOTIONAL' }), weight: 1 },
    ),
  ),
  split: withBogus(
    fc
      .tuple(
        fc.oneof(
          { arbitrary: fc.record({ count: pick([1, 3], [0, 1001]) }), weight: 10 },
          { arbitrary: fc.record({ child_quantity: decimalArb }), weight: 10 },
          { arbitrary: fc.record({ child_notional: decimalArb }), weight: 10 },
          { arbitrary: fc.constant({ count: 2, child_quantity: '1' }), weight: 1 },
          { arbitrary: fc.constant({}), weight: 1 },
        ),
        fc.record(
          {
            interval: pick(['1s', '2m', 1500], ['2h', 'soon', -1]),
            jitter: pick(['0ms', '100ms', 0], ['2h', 'soon']),
            max_price_deviation_pct: pick([0.5, 2], [0, 51]),
            on_escalation: pick(['pause', 'cancel'], ['stop']),
          },
          { requiredKeys: ['interval'] },
        ),
      )
      .map(([sizing, rest]) => ({ ...sizing, ...rest })),
  ),
  throttle: withBogus(
    fc.record(
      {
        key: pick(['client', 'symbol'], ['desk']),
        max_wait: pick(['1s', '250ms', 0], ['2m', 'soon']),
        max_concurrent: pick([1, 3], [0]),
        rate: fc.record({ count: pick([1, 10], [0]), per: durationArb }),
        reservoir: fc.record({ size: pick([5], [0]), refresh: durationArb }),
      },
      { requiredKeys: ['key', 'max_wait'] },
    ),
  ),
  reject: fc.oneof(
    fc.constant(null),
    fc.record({ code: pick(['POLICY_REJECT'], ['NOPE']), message: pick(['no'], ['']) }, { requiredKeys: [] }),
  ),
  reduce_only: fc.oneof(fc.constant(null), fc.record({ latch: pick(['client'], ['desk']) }, { requiredKeys: [] })),
  halt: fc.oneof(
    fc.constant(null),
    fc.record(
      { allow_reduce_only: pick([true, false], [1]), latch: fc.constantFrom('symbol', 'all') },
      { requiredKeys: [] },
    ),
  ),
  loss_limit: fc.record(
    {
      level: levelArb,
      daily: decimalArb,
      drawdown: decimalArb,
      on_breach: pick(['halt'], ['panic']),
      ids: globArb,
    },
    { requiredKeys: ['level'] },
  ),
  position_limit: fc.record(
    { level: levelArb, quantity: decimalArb, gross_notional: decimalArb, ids: globArb },
    { requiredKeys: ['level'] },
  ),
  self_trade: fc.oneof(
    fc.constant(null),
    fc.record(
      {
        level: levelArb,
        on_cross: fc.constantFrom('deny', 'cancel_resting'),
        venue_mode: pick(['EXPIRE_BOTH'], ['NONE']),
      },
      { requiredKeys: [] },
    ),
  ),
};
const actionNames = Object.keys(actionArbs);
const actionsOf = (names: string[]) => fc.record(Object.fromEntries(names.map((k) => [k, actionArbs[k]!])));
/** Mostly one action; sometimes none or two (a rule has exactly one). */
const actionsArb = fc.oneof(
  { arbitrary: fc.constantFrom(...actionNames).chain((k) => actionsOf([k])), weight: 10 },
  { arbitrary: fc.constant({}), weight: 1 },
  { arbitrary: fc.subarray(actionNames, { minLength: 2, maxLength: 2 }).chain(actionsOf), weight: 1 },
);

const ruleArb = fc
  .tuple(
    fc.record(
      {
        id: pick(['a', 'b', 'c.1', 'd', 'e'], ['Bad Id', 7]),
        mode: pick(['enforce', 'shadow'], ['dry']),
        when: conditionArb,
        unknown_as: pick(['stable'], ['unknown']),
        on_missing: pick(['match', 'skip'], ['maybe']),
        description: pick(['why'], ['']),
      },
      { requiredKeys: ['id'] },
    ),
    actionsArb,
  )
  .map(([r, a]) => ({ ...r, ...a }));

const docArb = withBogus(
  fc.record(
    {
      id: pick(['t', 'default'], ['Not An Id']),
      version: pick([1, 2], [0, '1']),
      description: pick(['set'], ['']),
      settings: fc.record({ kill_allows_reduce_only: pick([true, false], ['no']) }, { requiredKeys: [] }),
      rules: fc.array(
        fc.oneof({ arbitrary: ruleArb, weight: 30 }, { arbitrary: fc.constantFrom('x', null, [], 5), weight: 1 }),
        { maxLength: 4 },
      ),
    },
    { requiredKeys: ['id', 'version', 'rules'] },
  ),
);

/** One rule and nothing else wrong at the top: most of these are accepted, so every action's
 * compiled form is compared, defaults included. */
const oneRuleDocArb = ruleArb.map((r) => ({ id: 't', version: 1, rules: [r] }));
const anyDocArb = fc.oneof(docArb, oneRuleDocArb);

const rulesNamed = (issues: readonly { path?: string }[]) =>
  [...new Set(issues.map((d) => /^rules\[\d+\]/.exec(d.path ?? '')?.[0] ?? (d.path ?? '').split(/[.[]/)[0]))].sort();

describe('policy file schema (TypeBox, ajv strict) against the hand-written validator', () => {
  it('accepts exactly what the old validator accepted, with the same compiled set; refuses the rest at the same places', () => {
    let accepted = 0;
    let refused = 0;
    const actionsAccepted = new Set<string>();
    fc.assert(
      fc.property(anyDocArb, (doc) => {
        const old = legacyParse(doc);
        const now = parsePolicyDocument(doc);
        expect(now.ok).toBe(old.ok);
        if (old.ok && now.ok) {
          accepted++;
          expect(now.set).toEqual(old.set);
          for (const r of now.set.rules) actionsAccepted.add(r.action.type);
        } else if (!old.ok && !now.ok) {
          refused++;
          expect(now.issues.length).toBeGreaterThan(0);
          expect(rulesNamed(now.issues)).toEqual(rulesNamed(old.issues));
        }
      }),
      { numRuns: 1000 },
    );
    // Both sides of the property were exercised, not one.
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
    expect(actionNames.filter((a) => !actionsAccepted.has(a))).toEqual([]);
  });

  it('a rule that is not a mapping gets one error, its type, not an action count', () => {
    const res = parsePolicyDocument({ id: 't', version: 1, rules: ['x', { id: 'b' }] });
    expect(res.ok).toBe(false);
    if (!res.ok)
      expect(res.issues).toEqual([
        { path: 'rules[0]', message: 'must be a mapping, got "x"' },
        { path: 'rules[1]', message: expect.stringMatching(/^needs exactly one action: cap, split, throttle/) },
      ]);
  });

  it('refuses an unknown key or a wrong type anywhere in an accepted document', () => {
    const base = {
      id: 't',
      version: 1,
      rules: [
        { id: 'a', when: { symbol: 'BTC*', notional: { gt: 1000 } }, cap: { notional: { stable: 5, critical: '1' } } },
        { id: 'b', split: { count: 3, interval: '1s' } },
      ],
    };
    expect(parsePolicyDocument(base).ok).toBe(true);
    const spots: ((d: any) => void)[] = [
      (d) => (d.extra = 1),
      (d) => (d.rules[0].when.extra = 1),
      (d) => (d.rules[0].when.notional.extra = 1),
      (d) => (d.rules[0].cap.notional.extra = '1'),
      (d) => (d.rules[1].split.extra = 1),
      (d) => (d.rules[1].split.count = '3'),
      (d) => (d.rules[0].when.symbol = 5),
      (d) => (d.version = 1.5),
    ];
    for (const mutate of spots) {
      const doc = structuredClone(base);
      mutate(doc);
      const res = parsePolicyDocument(doc);
      expect(res.ok).toBe(false);
    }
  });
});
