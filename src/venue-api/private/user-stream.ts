/** User-data stream: listenKey endpoints (POST/PUT/DELETE /fapi/v1/listenKey, API key only) and
 * the pushes: every report of the simulated exchange becomes an ORDER_TRADE_UPDATE for the
 * account's listen keys, and every fill an ACCOUNT_UPDATE (balance + that symbol's position). */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Decimal } from '../../core/decimal.js';
import type { ExecutionReport } from '../../core/types.js';
import type { ReportOrigin } from '../../execution/simulated/index.js';
import { charge, type BinanceServerContext } from '../../binance-wire/context.js';
import { apiKeyOnly } from './auth.js';
import { positionViews, type PrivateContext } from './context.js';
import { binanceStatus, fp, fq } from '../../binance-wire/order-shapes.js';

const LISTEN_KEY_TTL_MS = 60 * 60_000;

export function registerUserStream(app: FastifyInstance, ctx: BinanceServerContext, pc: PrivateContext): () => void {
  const byAccount = new Map<string, { key: string; expires: number }>();

  const keyOf = (account: string): string | undefined => {
    const k = byAccount.get(account);
    return k && k.expires > pc.wall.now() ? k.key : undefined;
  };

  app.post('/fapi/v1/listenKey', async (req, reply) => {
    const { account } = apiKeyOnly(req, pc.keys);
    charge(ctx, req, reply, 1);
    // Binance returns the live key (and extends it) when one exists.
    const key = keyOf(account) ?? randomBytes(32).toString('hex');
    byAccount.set(account, { key, expires: pc.wall.now() + LISTEN_KEY_TTL_MS });
    return { listenKey: key };
  });
  app.put('/fapi/v1/listenKey', async (req, reply) => {
    const { account } = apiKeyOnly(req, pc.keys);
    charge(ctx, req, reply, 1);
    const k = byAccount.get(account);
    if (!k || keyOf(account) === undefined)
      return reply.code(400).send({ code: -1125, msg: 'This listenKey does not exist.' });
    k.expires = pc.wall.now() + LISTEN_KEY_TTL_MS;
    return { listenKey: k.key };
  });
  app.delete('/fapi/v1/listenKey', async (req, reply) => {
    const { account } = apiKeyOnly(req, pc.keys);
    charge(ctx, req, reply, 1);
    byAccount.delete(account);
    return {};
  });

  return pc.exchange.onReport((r: ExecutionReport, origin: ReportOrigin) => {
    if (r.status === 'rejected') return;
    const key = keyOf(r.account);
    if (!key) return;
    const inst = pc.exchange.instrument(r.symbol);
    if (!inst) return;
    const meta = pc.book.byClientOrderId(r.account, r.clientOrderId);
    const now = pc.wall.now();
    const fill = r.lastFillQuantity !== undefined && (r.status === 'filled' || r.status === 'partially_filled');
    const cumFee = new Decimal(r.fee ?? '0');
    const lastFee = fill ? cumFee.minus(meta?.reportedFee ?? '0') : new Decimal(0);
    if (meta && fill) meta.reportedFee = cumFee.toFixed();
    const type = (meta?.type ?? 'market').toUpperCase();
    ctx.hub.publishUserEvent(key, {
      e: 'ORDER_TRADE_UPDATE',
      E: now,
      T: r.ts,
      o: {
        s: inst.venueSymbol,
        c: r.clientOrderId,
        S: r.side.toUpperCase(),
        o: type,
        f: meta?.timeInForce ?? 'GTC',
        q: fq(inst, r.quantity),
        p: fp(inst, meta?.price ?? '0'),
        ap: fp(inst, r.avgPrice ?? '0'),
        sp: '0',
        x: r.amended ? 'AMENDMENT' : fill ? 'TRADE' : r.status === 'new' ? 'NEW' : binanceStatus(r.status),
        X: binanceStatus(r.status),
        i: Number(r.venueOrderId ?? 0),
        l: fq(inst, fill ? r.lastFillQuantity! : '0'),
        z: fq(inst, r.filledQuantity),
        L: fp(inst, fill ? (r.lastFillPrice ?? '0') : '0'),
        N: inst.quote,
        n: lastFee.toFixed(8),
        T: r.ts,
        t: fill ? r.ts : 0,
        b: '0',
        a: '0',
        m: origin === 'venue' && !r.liquidation,
        R: meta?.reduceOnly ?? false,
        wt: 'CONTRACT_PRICE',
        ot: type,
        ps: 'BOTH',
        cp: false,
        rp: '0',
        pP: false,
        si: 0,
        ss: 0,
        V: 'EXPIRE_MAKER',
        pm: 'NONE',
        gtd: 0,
      },
    });
    if (!fill) return;
    const state = pc.exchange.accountStateSync(r.account);
    const v = positionViews(pc, r.account, inst)[0]!;
    ctx.hub.publishUserEvent(key, {
      e: 'ACCOUNT_UPDATE',
      E: now,
      T: r.ts,
      a: {
        m: r.liquidation ? 'AUTO_EXCHANGE' : 'ORDER',
        B: [{ a: pc.asset, wb: state.walletBalance, cw: state.walletBalance, bc: '0' }],
        P: [
          {
            s: inst.venueSymbol,
            pa: fq(inst, v.pos?.quantity ?? '0'),
            ep: v.pos?.entryPrice ?? '0',
            bep: v.pos?.entryPrice ?? '0',
            cr: '0',
            up: v.pos?.unrealizedPnl ?? '0',
            mt: v.marginMode,
            iw: v.pos?.isolatedMargin ?? '0',
            ps: 'BOTH',
          },
        ],
      },
    });
  });
}
