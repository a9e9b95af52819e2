/** Account endpoints: positionRisk (v2, v3), account (v2, v3), balance (v2, v3), leverage,
 * marginType, leverageBracket. Positions, balances and margins come from the simulated
 * exchange's AccountState (src/account arithmetic). */
import type { FastifyInstance } from 'fastify';
import { charge, type BinanceServerContext } from '../../binance-wire/context.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import { authenticate } from './auth.js';
import {
  commissionRateJson,
  DUAL_SIDE_POSITION,
  MULTI_ASSETS_MARGIN,
  refuseDualSideChange,
  symbolConfigJson,
} from '../../binance-wire/account-setup.js';
import { instrumentOf, positionViews, venueReject, type PrivateContext } from './context.js';
import { accountV2, accountV3, balanceRows, positionRiskV2, positionRiskV3 } from '../../binance-wire/order-shapes.js';

export function registerAccountRoutes(app: FastifyInstance, ctx: BinanceServerContext, pc: PrivateContext): void {
  const views = (account: string, symbol: string | undefined) =>
    positionViews(pc, account, symbol !== undefined ? instrumentOf(pc, symbol) : undefined);

  app.get('/fapi/v2/positionRisk', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 5);
    return views(a.account, a.params.symbol).map(positionRiskV2);
  });
  app.get('/fapi/v3/positionRisk', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 5);
    // v3 lists only symbols with a position or open orders.
    const open = new Set(pc.exchange.openOrdersSync(a.account).map((o) => o.symbol));
    return views(a.account, a.params.symbol)
      .filter((v) => v.pos || open.has(v.inst.symbol))
      .map(positionRiskV3);
  });

  for (const [path, shape] of [
    ['/fapi/v2/account', accountV2],
    ['/fapi/v3/account', accountV3],
  ] as const) {
    app.get(path, async (req, reply) => {
      const a = authenticate(req, pc.keys, pc.wall);
      charge(ctx, req, reply, 5);
      return shape(pc.exchange.accountStateSync(a.account), views(a.account, undefined), pc.asset, pc.wall.now());
    });
  }
  for (const path of ['/fapi/v2/balance', '/fapi/v3/balance']) {
    app.get(path, async (req, reply) => {
      const a = authenticate(req, pc.keys, pc.wall);
      charge(ctx, req, reply, 5);
      return balanceRows(pc.exchange.accountStateSync(a.account), views(a.account, undefined), pc.asset, pc.wall.now());
    });
  }

  // Account setup, with the door's answers (binance-wire/account-setup.ts).
  app.get('/fapi/v1/commissionRate', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 20);
    return commissionRateJson(instrumentOf(pc, a.params.symbol));
  });
  app.get('/fapi/v1/symbolConfig', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 5);
    const insts = a.params.symbol !== undefined ? [instrumentOf(pc, a.params.symbol)] : pc.exchange.instruments();
    return insts.map((inst) => {
      const s = pc.settings.get(a.account, inst.symbol);
      return symbolConfigJson(inst, s.leverage, s.mode === 'isolated');
    });
  });
  app.get('/fapi/v1/multiAssetsMargin', async (req, reply) => {
    authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 30);
    return MULTI_ASSETS_MARGIN;
  });
  app.get('/fapi/v1/positionSide/dual', async (req, reply) => {
    authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 30);
    return DUAL_SIDE_POSITION;
  });
  app.post('/fapi/v1/positionSide/dual', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    refuseDualSideChange(a.params.dualSidePosition);
  });

  app.post('/fapi/v1/leverage', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const inst = instrumentOf(pc, a.params.symbol);
    const lev = a.params.leverage;
    if (lev === undefined) throw binanceErrors.mandatory('leverage');
    const bad = pc.exchange.setLeverage(a.account, inst.symbol, lev);
    if (bad) throw venueReject(bad);
    pc.settings.set(a.account, inst.symbol, { leverage: lev });
    const cap = inst.brackets.filter((b) => b.initialLeverage >= Number(lev)).at(-1) ?? inst.brackets[0];
    return { leverage: Number(lev), maxNotionalValue: cap?.notionalCap ?? '0', symbol: inst.venueSymbol };
  });

  app.post('/fapi/v1/marginType', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const inst = instrumentOf(pc, a.params.symbol);
    const t = a.params.marginType;
    if (t === undefined) throw binanceErrors.mandatory('marginType');
    if (t !== 'ISOLATED' && t !== 'CROSSED') throw new BinanceApiError(400, -4044, 'The margin type is not valid.');
    const mode = t === 'ISOLATED' ? 'isolated' : 'cross';
    if (pc.settings.get(a.account, inst.symbol).mode === mode)
      throw new BinanceApiError(400, -4046, 'No need to change margin type.');
    const bad = pc.exchange.setMarginMode(a.account, inst.symbol, mode);
    if (bad) throw venueReject(bad);
    pc.settings.set(a.account, inst.symbol, { mode });
    return { code: 200, msg: 'success' };
  });

  app.get('/fapi/v1/leverageBracket', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const list = a.params.symbol !== undefined ? [instrumentOf(pc, a.params.symbol)] : [...pc.byVenueSymbol.values()];
    const rows = list.map((inst) => ({
      symbol: inst.venueSymbol,
      notionalCoef: 1.0,
      brackets: inst.brackets.map((b) => ({
        bracket: b.bracket,
        initialLeverage: b.initialLeverage,
        notionalCap: Number(b.notionalCap),
        notionalFloor: Number(b.notionalFloor),
        maintMarginRatio: Number(b.maintMarginRatio),
        cum: Number(b.maintAmount),
      })),
    }));
    return a.params.symbol !== undefined ? rows[0] : rows;
  });
}
