/** Composition helper (called by gateway.ts in cluster mode): binds the shared order index to this
 * replica's pipeline. Remote cancels land in pipeline.cancel, kills written by other replicas
 * cancel this replica's working orders in their scope, and DELETE /v1/orders/:id reaches orders
 * placed through any replica. */
import type { ClientConfig } from '../config/types.js';
import { LiqguardError } from '../core/errors.js';
import type { ParentOrder } from '../execution/order-store.js';
import { scopeKey, scopeMatches } from '../policy/trading-state.js';
import type { Cluster } from './index.js';

export interface ClusterOrderPorts {
  /** For buildApp({ remoteOrders }): cancel an order another replica holds. */
  readonly remoteOrders: { cancel(id: string, client: ClientConfig): Promise<unknown | undefined> };
}

interface CancelPorts {
  cancel(intentId: string, reason: string): Promise<ParentOrder | undefined>;
  cancelWhere(f: (p: ParentOrder) => boolean, reason: string): Promise<number>;
}

export async function bindClusterOrders(
  cluster: Cluster,
  pipeline: CancelPorts,
  present: (p: ParentOrder) => unknown,
): Promise<ClusterOrderPorts> {
  const { conn } = cluster;
  await cluster.orders.start(async (intentId, reason) => {
    const p = await pipeline.cancel(intentId, reason);
    return p ? present(p) : undefined;
  });
  cluster.tradingState.onRemoteKill((e) => {
    const reason = `kill switch ${scopeKey(e.scope)} by ${e.operator} (via another replica): ${e.reason}`;
    pipeline
      .cancelWhere((p) => scopeMatches(e.scope, p.intent), reason)
      .then((n) => {
        if (n) conn.logger.warn({ scope: scopeKey(e.scope), cancelled: n }, 'cluster: remote kill, orders cancelled');
      })
      .catch((err: unknown) => {
        conn.logger.error({ err, scope: scopeKey(e.scope) }, 'cluster: cancel on a remote kill failed');
      });
  });
  return {
    remoteOrders: {
      async cancel(id, client) {
        let entry;
        try {
          entry = await cluster.orders.lookup(id, client.id);
        } catch (err) {
          conn.failed('order_lookup', err);
          const msg = `order ${id} is not held by this replica and the shared order index is unreachable`;
          throw new LiqguardError('UNAVAILABLE', msg);
        }
        if (!entry || entry.instance === conn.instance) return undefined;
        if (entry.clientId !== client.id && !client.roles.includes('operator')) {
          const msg = `client "${client.id}" may not cancel order ${id} (owner or operator only)`;
          throw new LiqguardError('FORBIDDEN', msg);
        }
        return cluster.orders.cancelRemote(entry, `cancelled by ${client.id} via replica ${conn.instance}`);
      },
    },
  };
}
