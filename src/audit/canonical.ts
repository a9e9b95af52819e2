/** Canonical JSON and the chain hash. The hash covers the *parsed* record re-serialised with
 * sorted keys, so verification does not depend on how pino (or anyone) ordered or escaped the
 * bytes of the line; it only depends on the JSON values. */
import * as crypto from 'node:crypto';

export const AUDIT_VERSION = 1;

/** Envelope keys the writer owns; a body may not use them. */
export const ENVELOPE_KEYS = ['v', 'seq', 'ts', 'instance', 'type', 'prev', 'hash'] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Sorted-key JSON of a plain JSON value (the output of JSON.parse, or normalizeJson). Keys are
 * ordered by UTF-16 code units (Array.prototype.sort), arrays keep their order, numbers and
 * strings use JSON.stringify's spelling, non-finite numbers become null like JSON.stringify. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) {
    return (
      '[' + value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',') + ']'
    );
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

/** sha256 of the UTF-8 text, hex. crypto.hash (Node ≥ 20.12) is the one-shot form: no Hash
 * object per record (two records per order), same digest. */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** prev of an instance's first record: sha256 of a fixed, instance-specific string, so one
 * instance's chain cannot be spliced onto another's. */
export const genesisHash = (instance: string): string => sha256Hex(`liqguard-audit-v1-genesis:${instance}`);

/** hash = sha256(prev + canonicalJson(record without hash)). `record` includes `prev`. */
export function recordHash(record: Readonly<Record<string, unknown>>): string {
  const { hash: _omit, ...rest } = record;
  const prev = typeof rest.prev === 'string' ? rest.prev : '';
  return sha256Hex(prev + canonicalJson(rest));
}
