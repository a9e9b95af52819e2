/** Operator identities: the authenticated client (API key) plus an optional person name from the
 * `x-operator` header or the body's `operator` field. The client part is proven by the key; the
 * person part is asserted by whoever holds the key, so two-person controls compare both. */
export interface OperatorIdentity {
  readonly client: string;
  readonly person?: string;
}

export const PERSON_RE = /^[A-Za-z0-9][A-Za-z0-9 ._@'-]{0,63}$/;

export function identityText(i: OperatorIdentity): string {
  return i.person ? `${i.client}/${i.person}` : i.client;
}

/** Two identities are the same operator when they share the client and either has no person
 * (an anonymous key could be anyone on it) or the person names match case-insensitively. */
export function sameOperator(a: OperatorIdentity, b: OperatorIdentity): boolean {
  if (a.client !== b.client) return false;
  if (!a.person || !b.person) return true;
  return a.person.trim().toLowerCase() === b.person.trim().toLowerCase();
}
