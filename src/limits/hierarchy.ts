/** The firm → desk → strategy → client (bot) tree declared in the gateway config, plus the
 * venue account each client trades through. A client belongs to at most one strategy; a client
 * not placed in the tree is still in the firm, and in its client and account scopes. */
import type { ScopeLevel, ScopeRef } from '../core/limit-view.js';

export interface HierarchyConfig {
  readonly firm: string;
  readonly desks: readonly {
    readonly id: string;
    readonly strategies: readonly { readonly id: string; readonly clients: readonly string[] }[];
  }[];
  /** Start of the loss-limit day, HH:MM in `timeZone`. */
  readonly dayStart: string;
  /** IANA zone name, e.g. UTC, Europe/London, America/New_York. */
  readonly timeZone: string;
}

export const DEFAULT_HIERARCHY: HierarchyConfig = { firm: 'firm', desks: [], dayStart: '00:00', timeZone: 'UTC' };

export const scopeKeyOf = (s: ScopeRef): string => `${s.level}:${s.id}`;

export class Hierarchy {
  private readonly strategyOf = new Map<string, { strategy: string; desk: string }>();
  private readonly accountOf = new Map<string, string>();
  private readonly members = new Map<string, string[]>();

  constructor(
    readonly config: HierarchyConfig,
    clients: readonly { readonly id: string; readonly account: string }[],
  ) {
    for (const d of config.desks) {
      for (const s of d.strategies) for (const c of s.clients) this.strategyOf.set(c, { strategy: s.id, desk: d.id });
    }
    for (const c of clients) this.accountOf.set(c.id, c.account);
    for (const c of clients) for (const ref of this.path(c.id)) this.add(ref, c.id);
  }

  private add(ref: ScopeRef, client: string): void {
    const k = scopeKeyOf(ref);
    const m = this.members.get(k);
    if (!m) this.members.set(k, [client]);
    else if (!m.includes(client)) m.push(client);
  }

  /** Scopes of a client, from the narrowest: client, strategy, desk, firm, then its account. */
  path(clientId: string): ScopeRef[] {
    const out: ScopeRef[] = [{ level: 'client', id: clientId }];
    const s = this.strategyOf.get(clientId);
    if (s) out.push({ level: 'strategy', id: s.strategy }, { level: 'desk', id: s.desk });
    out.push({ level: 'firm', id: this.config.firm });
    const a = this.accountOf.get(clientId);
    if (a) out.push({ level: 'account', id: a });
    return out;
  }

  scopeOf(clientId: string, level: ScopeLevel): ScopeRef | undefined {
    return this.path(clientId).find((s) => s.level === level);
  }

  /** Clients in a scope (a client scope always holds itself). */
  membersOf(ref: ScopeRef): readonly string[] {
    return this.members.get(scopeKeyOf(ref)) ?? (ref.level === 'client' ? [ref.id] : []);
  }

  /** Every scope that has at least one configured client. */
  scopes(): ScopeRef[] {
    return [...this.members.keys()].map((k) => {
      const i = k.indexOf(':');
      return { level: k.slice(0, i) as ScopeLevel, id: k.slice(i + 1) };
    });
  }
}
