/** Resource limits of policy loading, checked before the expensive step they protect: the byte
 * size before reading and parsing (a 5 MB file stalled the event loop for seconds), the alias
 * count while converting YAML to data (a 447-byte "billion laughs" file expands exponentially),
 * the rule count before validation (evaluation cost grows with it). A file over a limit is
 * refused with its own code; a running gateway keeps its current set. */
import { LiqguardError, type ErrorCode } from '../core/errors.js';

export interface PolicyLimits {
  /** Largest policy file read, in bytes. The shipped sets are under 4 KiB. */
  readonly maxFileBytes: number;
  /** yaml's maxAliasCount: alias nodes resolved per document. */
  readonly maxAliasCount: number;
  /** Rules per set. */
  readonly maxRules: number;
}

export const DEFAULT_POLICY_LIMITS: PolicyLimits = Object.freeze({
  maxFileBytes: 256 * 1024,
  maxAliasCount: 100,
  maxRules: 500,
});

export function limitError(
  code: Extract<ErrorCode, `POLICY_${string}`>,
  source: string,
  message: string,
): LiqguardError {
  return new LiqguardError(code, `${source}: ${message}`, [{ path: '(file)', message, code }]);
}

export function checkFileSize(bytes: number, source: string, limits: PolicyLimits): void {
  if (bytes > limits.maxFileBytes) {
    throw limitError(
      'POLICY_TOO_LARGE',
      source,
      `file is ${bytes} bytes, above the limit of ${limits.maxFileBytes}; refused before parsing`,
    );
  }
}

/** yaml throws a ReferenceError "Excessive alias count…" from toJS(): map it to a code. */
export function isAliasLimitError(err: unknown): boolean {
  return err instanceof Error && /alias count/i.test(err.message);
}

export function checkRuleCount(doc: unknown, source: string, limits: PolicyLimits): void {
  const rules = doc && typeof doc === 'object' ? (doc as { rules?: unknown }).rules : undefined;
  if (Array.isArray(rules) && rules.length > limits.maxRules) {
    throw limitError('POLICY_TOO_MANY_RULES', source, `${rules.length} rules, above the limit of ${limits.maxRules}`);
  }
}
