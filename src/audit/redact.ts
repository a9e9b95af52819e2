/** Turns an arbitrary body into plain, redacted JSON before it is hashed and written: secrets
 * are removed here, so they are never part of the hash, the line, or any later copy. */

export const REDACTED = '[REDACTED]';

/** Key names (lower-cased, '-' and '_' removed) whose values are always replaced. `contains`
 * catches apiSecret, x-api-key, passwordHash...; `endsWith` catches accessToken, hmacSignature
 * without hitting e.g. `tokens` (a rate-limit count) or `signatures` lists. */
const KEY_CONTAINS = ['apikey', 'secret', 'password', 'passwd', 'passphrase', 'authorization', 'privatekey', 'cookie'];
const KEY_ENDS = ['token', 'signature'];

const keyCache = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  let hit = keyCache.get(key);
  if (hit === undefined) {
    const k = key.toLowerCase().replace(/[-_\s]/g, '');
    hit = KEY_CONTAINS.some((p) => k.includes(p)) || KEY_ENDS.some((p) => k.endsWith(p));
    // Record keys repeat (a few hundred distinct names); bound the cache against key floods.
    if (keyCache.size < 10_000) keyCache.set(key, hit);
  }
  return hit;
}

interface NormalizedBody {
  readonly value: Record<string, unknown>;
  readonly entries: ReadonlyMap<string, string>; // key → canonicalJson(value[key])
}

/** Canonical JSON of an object given each key's canonical value: keys sorted like canonical.ts. */
export function canonicalObject(entries: ReadonlyMap<string, string>): string {
  const keys = [...entries.keys()].sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += (i ? ',' : '') + JSON.stringify(keys[i]) + ':' + entries.get(keys[i]!)!;
  return out + '}';
}

export interface Redactor {
  /** Deep copy of `value` as plain JSON (toJSON applied, NaN/±Infinity → null, bigint → string,
   * undefined dropped, cycles → "[Circular]", lone surrogates → U+FFFD) with secrets removed. */
  normalize(value: unknown): unknown;
  /** normalize() of an object body, plus each top-level key's canonical JSON (for the hash). */
  normalizeBody(body: unknown): NormalizedBody;
  /** Each top-level key of an object body (redacted, as written) → its canonical JSON, in the
   * body's order: the same strings as normalizeBody().entries without building the plain copy.
   * The writer builds both the line and the hashed canonical form from these strings. */
  canonicalEntries(body: unknown): Map<string, string>;
  /** Replace every registered literal secret inside a string. */
  scrub(text: string): string;
}

/** Secrets shorter than this are not scrubbed as substrings (a 2-char "secret" would shred
 * every record); such values are still caught by key name. Config validation should reject them. */
const MIN_SCRUB_LENGTH = 4;

/** Lone surrogates cannot be encoded as UTF-8: they would be written as U+FFFD and no longer
 * match the hash computed from the in-memory string. Replace them up front. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
// String.prototype.isWellFormed (ES2024, Node 20) is native and much cheaper than the regex.
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const hasLoneSurrogate: (s: string) => boolean = isWellFormed
  ? (s) => !isWellFormed.call(s)
  : (s) => LONE_SURROGATE.test(s);
const wellFormed = (s: string): string => (hasLoneSurrogate(s) ? s.replace(LONE_SURROGATES, '\uFFFD') : s);

/** Plain data only: an array or an object of Object.prototype / null prototype whose own
 * properties are all data properties (a getter of a frozen object can still change its value). */
function plainData(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj) as unknown;
  if (Array.isArray(obj)) {
    if (proto !== Array.prototype) return false;
  } else if (proto !== Object.prototype && proto !== null) return false;
  const descriptors = Object.getOwnPropertyDescriptors(obj);
  for (const k in descriptors) if (!('value' in descriptors[k]!)) return false;
  return Object.getOwnPropertySymbols(obj).length === 0;
}

export function createRedactor(secrets: readonly string[] = []): Redactor {
  const literals = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SCRUB_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  const scrub = (text: string): string => {
    let out = text;
    for (const s of literals) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
  const str = (s: string): string => scrub(wellFormed(s));

  // One pass yields the plain value and its canonical JSON (sorted keys, see canonical.ts), so
  // the writer does not walk the body twice. undefined = drop the value.
  type Out = [unknown, string] | undefined;
  const prim = (v: string | number | boolean | null): [unknown, string] => [v, JSON.stringify(v)];
  const walk = (value: unknown, ancestors: object[]): Out => {
    switch (typeof value) {
      case 'string':
        return prim(str(value));
      case 'number':
        return prim(Number.isFinite(value) ? value : null);
      case 'boolean':
        return prim(value);
      case 'bigint':
        return prim(str(value.toString()));
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (value === null) return prim(null);
    const obj = value as Record<string, unknown> & { toJSON?: () => unknown };
    if (typeof obj.toJSON === 'function') return walk(obj.toJSON(), ancestors);
    if (obj instanceof Error) {
      const code = (obj as { code?: unknown }).code;
      return walk({ name: obj.name, message: obj.message, ...(code !== undefined ? { code } : {}) }, ancestors);
    }
    if (ancestors.includes(obj)) return prim('[Circular]');
    ancestors.push(obj);
    try {
      if (Array.isArray(obj)) {
        const vals: unknown[] = [];
        const canon: string[] = [];
        for (const v of obj) {
          const w = walk(v, ancestors) ?? prim(null);
          vals.push(w[0]);
          canon.push(w[1]);
        }
        return [vals, '[' + canon.join(',') + ']'];
      }
      if (obj instanceof Map) return walk(Object.fromEntries(obj), ancestors);
      if (obj instanceof Set) return walk([...obj], ancestors);
      const { value: out, entries } = walkEntries(obj, ancestors);
      return [out, canonicalObject(entries)];
    } finally {
      ancestors.pop();
    }
  };
  const walkEntries = (
    obj: Record<string, unknown>,
    ancestors: object[],
  ): { value: Record<string, unknown>; entries: Map<string, string> } => {
    // Null prototype: a body key named "__proto__" stays an ordinary key, as JSON.parse reads it.
    const out = Object.create(null) as Record<string, unknown>;
    const entries = new Map<string, string>();
    for (const [k, v] of Object.entries(obj)) {
      const key = str(k);
      if (isSecretKey(k)) {
        if (v !== undefined && v !== null) {
          out[key] = REDACTED;
          entries.set(key, JSON.stringify(REDACTED));
        }
        continue;
      }
      const w = walk(v, ancestors);
      if (w !== undefined) {
        out[key] = w[0];
        entries.set(key, w[1]);
      }
    }
    return { value: out, entries };
  };
  // Hot path of the writer: canonical JSON only (no plain copy), key spellings cached (record keys
  // repeat; the cache is bounded against key floods). Same rules as walk() above.
  const keyCache = new Map<string, { json: string; key: string; secret: boolean }>();
  const keyInfo = (k: string): { json: string; key: string; secret: boolean } => {
    let e = keyCache.get(k);
    if (!e) {
      const key = str(k);
      e = { json: JSON.stringify(key), key, secret: isSecretKey(k) };
      if (keyCache.size < 10_000) keyCache.set(k, e);
    }
    return e;
  };
  const REDACTED_JSON = JSON.stringify(REDACTED);
  // Deeply frozen plain data cannot change, so its canonical JSON (redacted, scrubbed by this
  // redactor) is computed once per object and reused: the market features and the regime score
  // are shared by every order of a bar (market-view, scorer caches). `impure` counts what makes a
  // subtree uncacheable (an unfrozen or non-plain object, toJSON, a cycle); a subtree is cached
  // only when the count did not move while it was walked.
  const frozenCanon = new WeakMap<object, string>();
  const seenFrozen = new WeakSet<object>();
  let impure = 0;
  const canon = (value: unknown, ancestors: object[]): string | undefined => {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(str(value));
      case 'number':
        return Number.isFinite(value) ? JSON.stringify(value) : 'null';
      case 'boolean':
        return value ? 'true' : 'false';
      case 'bigint':
        return JSON.stringify(str(value.toString()));
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (value === null) return 'null';
    const obj = value as Record<string, unknown> & { toJSON?: () => unknown };
    // A frozen object is cached from its second record on: one-off frozen objects (a snapshot's
    // ages and flags) cost a WeakSet entry, not a property-descriptor check.
    const frozen = Object.isFrozen(obj) && (seenFrozen.has(obj) || (seenFrozen.add(obj), false));
    if (frozen) {
      const hit = frozenCanon.get(obj);
      if (hit !== undefined) return hit;
    }
    const before = impure;
    if (!frozen) impure++;
    if (typeof obj.toJSON === 'function') {
      impure++;
      return canon(obj.toJSON(), ancestors);
    }
    if (obj instanceof Error) {
      impure++;
      const code = (obj as { code?: unknown }).code;
      return canon({ name: obj.name, message: obj.message, ...(code !== undefined ? { code } : {}) }, ancestors);
    }
    if (ancestors.includes(obj)) {
      impure++;
      return '"[Circular]"';
    }
    ancestors.push(obj);
    let out: string;
    try {
      if (Array.isArray(obj)) {
        out = '[';
        for (let i = 0; i < obj.length; i++) out += (i ? ',' : '') + (canon(obj[i], ancestors) ?? 'null');
        out += ']';
      } else if (obj instanceof Map) {
        impure++;
        return canon(Object.fromEntries(obj), ancestors);
      } else if (obj instanceof Set) {
        impure++;
        return canon([...obj], ancestors);
      } else out = canonPlain(obj, ancestors);
    } finally {
      ancestors.pop();
    }
    if (frozen && impure === before && plainData(obj)) frozenCanon.set(obj, out);
    return out;
  };
  /** An object's canonical JSON without an intermediate Map: own enumerable keys, sorted like
   * canonicalObject (UTF-16 code units) unless already in order. A key that the secret scrub
   * changes could collide with another key, so such objects take the general path. */
  const canonPlain = (obj: Record<string, unknown>, ancestors: object[]): string => {
    const keys = Object.keys(obj);
    let sorted = true;
    for (let i = 0; i < keys.length; i++) {
      if (keyInfo(keys[i]!).key !== keys[i]) return canonicalObject(canonEntries(obj, ancestors));
      if (sorted && i > 0 && keys[i - 1]! > keys[i]!) sorted = false;
    }
    if (!sorted) keys.sort();
    let out = '{';
    let first = true;
    for (const k of keys) {
      const v = obj[k];
      const info = keyInfo(k);
      let c: string | undefined;
      if (info.secret) c = v !== undefined && v !== null ? REDACTED_JSON : undefined;
      else c = canon(v, ancestors);
      if (c === undefined) continue;
      out += (first ? '' : ',') + info.json + ':' + c;
      first = false;
    }
    return out + '}';
  };
  const canonEntries = (obj: Record<string, unknown>, ancestors: object[]): Map<string, string> => {
    const entries = new Map<string, string>();
    for (const k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
      const v = obj[k];
      const info = keyInfo(k);
      if (info.secret) {
        if (v !== undefined && v !== null) entries.set(info.key, REDACTED_JSON);
        continue;
      }
      const c = canon(v, ancestors);
      if (c !== undefined) entries.set(info.key, c);
    }
    return entries;
  };
  const canonicalEntries = (body: unknown): Map<string, string> => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new TypeError('audit body must be a plain object');
    }
    return canonEntries(body as Record<string, unknown>, [body]);
  };
  const normalizeBody = (body: unknown): NormalizedBody => {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new TypeError('audit body must be a plain object');
    return walkEntries(body as Record<string, unknown>, [body]);
  };
  return { normalize: (v) => walk(v, [])?.[0], normalizeBody, canonicalEntries, scrub };
}
