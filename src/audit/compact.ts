/** Record format v2: the compact decision body. A v1 decision record repeats what it already
 * holds elsewhere (the policy and model ids and hashes, the outcome) and spells out every rule
 * that did not match and every missing feature. v2 leaves out what can be rebuilt exactly from
 * the record itself, so readers (query, report) expand it back to the v1 body:
 * - `outcome` (= decision.kind), `policy` (= decision.policySetId/policySha256) and `model`
 *   (= score.modelId/modelSha256/scorer) are omitted when equal to their source;
 * - a trace entry `{ ruleId, action, mode, matched: false, outcome: 'pass' }` (and nothing else)
 *   is written as the tuple `[ruleId, action, mode]`;
 * - `market.features` drops the null values named in `market.missing` (only when every null is
 *   named there and every name is a key).
 * `derived` lists which of these the reader rebuilds (model, outcome, policy, trace, features).
 * Each omission is checked at write time, so a body that does not fit is written as is. Other
 * record types are identical in v1 and v2. The hash covers the compact line as written. */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

export const COMPACT_VERSION = 2;

/** The compact form of a decision body (shallow copies; the input is not modified). `derived`
 * names what the reader must rebuild, so an absent field stays absent. */
export function compactDecision(body: Readonly<Obj>): Obj {
  if (body.derived !== undefined) return { ...body }; // the marker's name is taken: write in full
  const out: Obj = { ...body };
  const derived: string[] = [];
  const decision = obj(body.decision);
  const score = obj(body.score);
  const m = obj(body.model);
  if (
    m &&
    score &&
    Object.keys(m).length === 3 &&
    m.id === score.modelId &&
    m.sha256 === score.modelSha256 &&
    m.kind === score.scorer
  ) {
    delete out.model;
    derived.push('model');
  }
  if (decision) {
    if (body.outcome !== undefined && body.outcome === decision.kind) {
      delete out.outcome;
      derived.push('outcome');
    }
    const p = obj(body.policy);
    if (p && Object.keys(p).length === 2 && p.id === decision.policySetId && p.sha256 === decision.policySha256) {
      delete out.policy;
      derived.push('policy');
    }
    const trace = decision.trace;
    if (Array.isArray(trace) && !trace.some(Array.isArray)) {
      const compact = trace.map(compactTrace);
      if (compact.some(Array.isArray)) {
        out.decision = { ...decision, trace: compact };
        derived.push('trace');
      }
    }
  }
  const market = obj(body.market);
  if (market) {
    const f = compactFeatures(market);
    if (f) {
      out.market = { ...market, features: f };
      derived.push('features');
    }
  }
  if (derived.length) out.derived = derived;
  return out;
}

const TRACE_KEYS = new Set(['ruleId', 'action', 'mode', 'matched', 'outcome']);

function compactTrace(t: unknown): unknown {
  const o = obj(t);
  if (!o || o.matched !== false || o.outcome !== 'pass') return t;
  if (typeof o.ruleId !== 'string' || typeof o.action !== 'string' || typeof o.mode !== 'string') return t;
  for (const k in o) if (!TRACE_KEYS.has(k)) return t;
  return traceTuple(o.ruleId, o.action, o.mode);
}

/** The same rule passes on most orders: one frozen tuple per (ruleId, action, mode), so the writer
 * serialises it once (audit/redact.ts). Bounded: rule ids come from policy files, but reloads add. */
const tuples = new Map<string, readonly string[]>();
function traceTuple(ruleId: string, action: string, mode: string): readonly string[] {
  const key = ruleId + '\u0000' + action + '\u0000' + mode;
  let t = tuples.get(key);
  if (!t) {
    if (tuples.size >= 10_000) tuples.clear();
    tuples.set(key, (t = Object.freeze([ruleId, action, mode])));
  }
  return t;
}

/** Frozen features and missing list (shared by every order of a bar, see market-view) give the
 * same compact features: computed once, and frozen so the writer serialises them once too. */
const compactedFeatures = new WeakMap<object, { missing: readonly unknown[]; out: Obj | undefined }>();

function compactFeatures(market: Obj): Obj | undefined {
  const features = obj(market.features);
  const missing = market.missing;
  if (!features || !Array.isArray(missing)) return undefined;
  if (!Object.isFrozen(features) || !Object.isFrozen(missing)) return compactFeaturesOf(features, missing);
  const hit = compactedFeatures.get(features);
  if (hit && hit.missing === missing) return hit.out;
  const out = compactFeaturesOf(features, missing);
  if (out) Object.freeze(out);
  compactedFeatures.set(features, { missing, out });
  return out;
}

function compactFeaturesOf(features: Obj, missing: readonly unknown[]): Obj | undefined {
  const named = new Set<unknown>(missing);
  for (const name of missing) if (typeof name !== 'string' || !(name in features)) return undefined;
  const out: Obj = {};
  let dropped = 0;
  for (const k in features) {
    const v = features[k];
    if (v === null) {
      if (!named.has(k)) return undefined;
      dropped++;
    } else {
      out[k] = v;
    }
  }
  return dropped > 0 ? out : undefined;
}

/** The v1 body of a record as read back: v2 decision records are expanded, others returned as is. */
export function expandRecord<T extends Obj>(rec: T): T {
  if (rec.v !== COMPACT_VERSION || rec.type !== 'decision' || !Array.isArray(rec.derived)) return rec;
  const derived = new Set<unknown>(rec.derived);
  const { derived: _d, ...out } = rec as Obj;
  const decision = obj(rec.decision);
  const score = obj(rec.score);
  if (derived.has('model') && score) out.model = { id: score.modelId, sha256: score.modelSha256, kind: score.scorer };
  if (derived.has('outcome') && decision) out.outcome = decision.kind;
  if (derived.has('policy') && decision) out.policy = { id: decision.policySetId, sha256: decision.policySha256 };
  if (derived.has('trace') && decision && Array.isArray(decision.trace)) {
    out.decision = {
      ...decision,
      trace: decision.trace.map((t) =>
        Array.isArray(t) ? { ruleId: t[0], action: t[1], mode: t[2], matched: false, outcome: 'pass' } : t,
      ),
    };
  }
  const market = obj(rec.market);
  if (derived.has('features') && market && Array.isArray(market.missing)) {
    const features: Obj = { ...obj(market.features) };
    for (const name of market.missing) if (typeof name === 'string' && !(name in features)) features[name] = null;
    out.market = { ...market, features };
  }
  return out as T;
}
