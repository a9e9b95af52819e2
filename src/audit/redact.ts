/** Turns an arbitrary body into plain, redacted JSON before it is hashed and written: secrets
 * are removed here, so they are never part of the hash, the line, or any later copy. */

export const REDACTED = '[REDACTED]';

/** Key names (lower-cased, '-' and '_' removed) whose values are always replaced. `contains`
 * catches apiSecret, x-api-key, passwordHash...; `endsWith` catches accessToken, hmacSignature
 * without hitting e.g. `tokens` (a rate-limit count) or `signatures` lists. */
const KEY_CONTAINS = ['apikey', 'secret', 'password', 'passwd', 'passphrase', 'authorization', 'privatekey', 'cookie'];
const KEY_ENDS = ['token', 'signature'];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, '');
  return KEY_CONTAINS.some((p) => k.includes(p)) || KEY_ENDS.some((p) => k.endsWith(p));
}

export interface Redactor {
  /** Deep copy of `value` as plain JSON (toJSON applied, NaN/±Infinity → null, bigint → string,
   * undefined dropped, cycles → "[Circular]", lone surrogates → U+FFFD) with secrets removed. */
  normalize(value: unknown): unknown;
  /** Replace every registered literal secret inside a string. */
  scrub(text: string): string;
}

/** Secrets shorter than this are not scrubbed as substrings (a 2-char "secret" would shred
 * every record); such values are still caught by key name. Config validation should reject them. */
export const MIN_SCRUB_LENGTH = 4;

/** Lone surrogates cannot be encoded as UTF-8: they would be written as U+FFFD and no longer
 * match the hash computed from the in-memory string. Replace them up front. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const wellFormed = (s: string): string => (LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATES, '\uFFFD') : s);

export function createRedactor(secrets: readonly string[] = []): Redactor {
  const literals = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SCRUB_LENGTH))].sort((a, b) => b.length - a.length);
  const scrub = (text: string): string => {
    let out = text;
    for (const s of literals) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
  const str = (s: string): string => scrub(wellFormed(s));

  const walk = (value: unknown, ancestors: object[]): unknown => {
    switch (typeof value) {
      case 'string':
        return str(value);
      case 'number':
        return Number.isFinite(value) ? value : null;
      case 'boolean':
        return value;
      case 'bigint':
        return str(value.toString());
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (value === null) return null;
    const obj = value as Record<string, unknown> & { toJSON?: () => unknown };
    if (typeof obj.toJSON === 'function') return walk(obj.toJSON(), ancestors);
    if (obj instanceof Error) {
      const code = (obj as { code?: unknown }).code;
      return walk({ name: obj.name, message: obj.message, ...(code !== undefined ? { code } : {}) }, ancestors);
    }
    if (ancestors.includes(obj)) return '[Circular]';
    ancestors.push(obj);
    try {
      if (Array.isArray(obj)) return obj.map((v) => walk(v, ancestors) ?? null);
      if (obj instanceof Map) return walk(Object.fromEntries(obj), ancestors);
      if (obj instanceof Set) return walk([...obj], ancestors);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) {
        const key = str(k);
        if (isSecretKey(k)) {
          if (v !== undefined && v !== null) out[key] = REDACTED;
          continue;
        }
        const w = walk(v, ancestors);
        if (w !== undefined) out[key] = w;
      }
      return out;
    } finally {
      ancestors.pop();
    }
  };
  return { normalize: (v) => walk(v, []), scrub };
}
