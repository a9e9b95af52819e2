/** Signed account endpoints over the venue's account state: positionRisk (v2, v3), account
 * (v2, v3), balance (v2, v3), leverage (POST) and leverageBracket. The numbers are the venue's
 * (the simulated exchange, or the real one behind the ccxt adapter); the front door only reshapes
 * them. */
import type { FastifyInstance } from 'fastify';
import { Decimal } from '../../core/decimal.js';
import type { AccountState, InstrumentSpec, PositionState } from '../../core/types.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { instrumentOf, signed, signedGuard, venueOf, type FrontDoorContext } from './context.js';

/** Leverage shown for a flat position nobody set (Binance's default for new symbols). */
const DEFAULT_LEVERAGE = '20';

interface PositionRow {
  readonly inst: InstrumentSpec;
  readonly p: PositionState | undefined;
  readonly amt: Decimal;
  readonly mark: Decimal;
  readonly notional: Decimal;
  readonly leverage: string;
  readonly initialMargin: Decimal;
  readonly maintMargin: Decimal;
}

export function registerAccountRoutes(app: FastifyInstance, ctx: FrontDoorContext): void {
  const viewer = signedGuard(ctx, ['viewer', 'trader']); // a trading key reads its own orders and account
  const trader = signedGuard(ctx, 'trader');

  const rowsFor = (clientId: string, insts: readonly InstrumentSpec[], acct: AccountState): PositionRow[] =>
    insts.map((inst) => {
      const p = acct.positions.find((x) => x.symbol === inst.symbol);
      const amt = new Decimal(p?.quantity ?? '0');
      const mark = markOf(ctx, inst, p, amt);
      const notional = amt.mul(mark);
      const leverage =
        p && !amt.isZero() ? p.leverage : (ctx.leverage.get(clientId, inst.symbol) ?? p?.leverage ?? DEFAULT_LEVERAGE);
      const initialMargin = notional.abs().div(leverage);
      return {
        inst,
        p,
        amt,
        mark,
        notional,
        leverage,
        initialMargin,
        maintMargin: maintMarginOf(inst, notional.abs()),
      };
    });

  const positionRisk = (v: 2 | 3) => async (req: import('fastify').FastifyRequest) => {
    const { client, params } = signed(req);
    const venue = venueOf(ctx, client);
    const one = instrumentOf(ctx, client, params, false);
    const acct = await venue.accountState(client.account);
    const now = ctx.wallClock.now();
    return rowsFor(client.id, one ? [one] : venue.instruments(), acct).map((r) => {
      const entry = r.p?.entryPrice ?? '0';
      const common = {
        symbol: r.inst.venueSymbol,
        positionSide: 'BOTH',
        positionAmt: r.amt.toFixed(),
        entryPrice: entry,
        breakEvenPrice: entry,
        markPrice: r.mark.toFixed(),
        unRealizedProfit: r.p?.unrealizedPnl ?? '0',
        liquidationPrice: r.p?.liquidationPrice ?? '0',
        isolatedMargin: r.p?.isolatedMargin ?? '0',
        notional: r.notional.toFixed(),
        isolatedWallet: r.p?.isolatedMargin ?? '0',
        updateTime: now,
      };
      if (v === 2)
        return {
          ...common,
          leverage: r.leverage,
          maxNotionalValue: maxNotional(r.inst, Number(r.leverage)),
          marginType: r.p?.marginMode ?? 'cross',
          isAutoAddMargin: 'false',
        };
      return {
        ...common,
        marginAsset: r.inst.quote,
        initialMargin: r.initialMargin.toFixed(8),
        maintMargin: r.maintMargin.toFixed(8),
        positionInitialMargin: r.initialMargin.toFixed(8),
        openOrderInitialMargin: '0',
        adl: 0,
        bidNotional: '0',
        askNotional: '0',
      };
    });
  };
  app.get('/fapi/v2/positionRisk', { preHandler: viewer }, positionRisk(2));
  app.get('/fapi/v3/positionRisk', { preHandler: viewer }, positionRisk(3));

  const account = (v: 2 | 3) => async (req: import('fastify').FastifyRequest) => {
    const { client } = signed(req);
    const venue = venueOf(ctx, client);
    const acct = await venue.accountState(client.account);
    const rows = rowsFor(client.id, venue.instruments(), acct).filter((r) => !r.amt.isZero() || v === 2);
    const now = ctx.wallClock.now();
    const t = totals(acct, rows);
    const asset = venue.instruments()[0]?.quote ?? 'USDT';
    const assetRow = {
      asset,
      walletBalance: acct.walletBalance,
      unrealizedProfit: t.upnl,
      marginBalance: acct.marginBalance,
      maintMargin: acct.maintMargin,
      initialMargin: t.initialMargin,
      positionInitialMargin: t.positionIM,
      openOrderInitialMargin: t.openOrderIM,
      crossWalletBalance: acct.walletBalance,
      crossUnPnl: t.upnl,
      availableBalance: acct.availableBalance,
      maxWithdrawAmount: acct.availableBalance,
      updateTime: now,
      ...(v === 2 ? { marginAvailable: true } : {}),
    };
    return {
      ...(v === 2
        ? {
            feeTier: 0,
            canTrade: true,
            canDeposit: false,
            canWithdraw: false,
            updateTime: 0,
            multiAssetsMargin: false,
            tradeGroupId: -1,
          }
        : {}),
      totalInitialMargin: t.initialMargin,
      totalMaintMargin: acct.maintMargin,
      totalWalletBalance: acct.walletBalance,
      totalUnrealizedProfit: t.upnl,
      totalMarginBalance: acct.marginBalance,
      totalPositionInitialMargin: t.positionIM,
      totalOpenOrderInitialMargin: t.openOrderIM,
      totalCrossWalletBalance: acct.walletBalance,
      totalCrossUnPnl: t.upnl,
      availableBalance: acct.availableBalance,
      maxWithdrawAmount: acct.availableBalance,
      assets: [assetRow],
      positions: rows.map((r) => ({
        symbol: r.inst.venueSymbol,
        positionSide: 'BOTH',
        positionAmt: r.amt.toFixed(),
        unrealizedProfit: r.p?.unrealizedPnl ?? '0',
        isolatedMargin: r.p?.isolatedMargin ?? '0',
        notional: r.notional.toFixed(),
        isolatedWallet: r.p?.isolatedMargin ?? '0',
        initialMargin: r.initialMargin.toFixed(8),
        maintMargin: r.maintMargin.toFixed(8),
        updateTime: now,
        ...(v === 2
          ? {
              leverage: r.leverage,
              entryPrice: r.p?.entryPrice ?? '0',
              breakEvenPrice: r.p?.entryPrice ?? '0',
              maxNotional: maxNotional(r.inst, Number(r.leverage)),
              isolated: r.p?.marginMode === 'isolated',
              positionInitialMargin: r.initialMargin.toFixed(8),
              openOrderInitialMargin: '0',
              bidNotional: '0',
              askNotional: '0',
            }
          : {}),
      })),
    };
  };
  app.get('/fapi/v2/account', { preHandler: viewer }, account(2));
  app.get('/fapi/v3/account', { preHandler: viewer }, account(3));

  const balance = async (req: import('fastify').FastifyRequest) => {
    const { client } = signed(req);
    const venue = venueOf(ctx, client);
    const acct = await venue.accountState(client.account);
    const upnl = acct.positions.reduce((s, p) => s.plus(p.unrealizedPnl), new Decimal(0)).toFixed();
    return [
      {
        accountAlias: 'liqguard',
        asset: venue.instruments()[0]?.quote ?? 'USDT',
        balance: acct.walletBalance,
        crossWalletBalance: acct.walletBalance,
        crossUnPnl: upnl,
        availableBalance: acct.availableBalance,
        maxWithdrawAmount: acct.availableBalance,
        marginAvailable: true,
        updateTime: ctx.wallClock.now(),
      },
    ];
  };
  app.get('/fapi/v2/balance', { preHandler: viewer }, balance);
  app.get('/fapi/v3/balance', { preHandler: viewer }, balance);

  app.post('/fapi/v1/leverage', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    const raw = params.leverage;
    if (raw === undefined)
      throw new BinanceApiError(
        400,
        -1102,
        "Mandatory parameter 'leverage' was not sent, was empty/null, or malformed.",
      );
    const n = /^[0-9]{1,3}$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 1 && n <= inst.maxLeverage))
      throw new BinanceApiError(400, -4028, `Leverage ${raw.slice(0, 10)} is not valid`);
    ctx.leverage.set(client.id, inst.symbol, String(n));
    return { leverage: n, maxNotionalValue: maxNotional(inst, n), symbol: inst.venueSymbol };
  });

  app.get('/fapi/v1/leverageBracket', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const venue = venueOf(ctx, client);
    const one = instrumentOf(ctx, client, params, false);
    const rows = (one ? [one] : venue.instruments()).map((i) => ({
      symbol: i.venueSymbol,
      notionalCoef: 1,
      brackets: i.brackets.map((b) => ({
        bracket: b.bracket,
        initialLeverage: b.initialLeverage,
        notionalCap: Number(b.notionalCap),
        notionalFloor: Number(b.notionalFloor),
        maintMarginRatio: Number(b.maintMarginRatio),
        cum: Number(b.maintAmount),
      })),
    }));
    return one ? rows[0] : rows;
  });
}

/** The venue's mark, recovered exactly from its own PnL when a position is open; otherwise the
 * front door's market source. */
function markOf(ctx: FrontDoorContext, inst: InstrumentSpec, p: PositionState | undefined, amt: Decimal): Decimal {
  if (p && !amt.isZero())
    return new Decimal(p.entryPrice).plus(new Decimal(p.unrealizedPnl).div(amt)).toDecimalPlaces(8);
  const m = ctx.source.mark(inst.venueSymbol)?.markPrice;
  return m !== undefined && Number.isFinite(m) ? new Decimal(m) : new Decimal(0);
}

function maintMarginOf(inst: InstrumentSpec, notional: Decimal): Decimal {
  const b = [...inst.brackets].reverse().find((x) => notional.gte(x.notionalFloor));
  return b ? Decimal.max(notional.mul(b.maintMarginRatio).minus(b.maintAmount), 0) : new Decimal(0);
}

/** The largest position notional a leverage allows: the cap of the last bracket that allows it. */
function maxNotional(inst: InstrumentSpec, leverage: number): string {
  const ok = inst.brackets.filter((b) => b.initialLeverage >= leverage);
  return ok.length ? ok[ok.length - 1]!.notionalCap : '0';
}

function totals(acct: AccountState, rows: readonly PositionRow[]) {
  const upnl = acct.positions.reduce((s, p) => s.plus(p.unrealizedPnl), new Decimal(0));
  const positionIM = rows.reduce((s, r) => s.plus(r.initialMargin), new Decimal(0));
  const used = Decimal.max(new Decimal(acct.marginBalance).minus(acct.availableBalance), 0);
  const initialMargin = Decimal.max(used, positionIM);
  return {
    upnl: upnl.toFixed(),
    positionIM: positionIM.toFixed(8),
    initialMargin: initialMargin.toFixed(8),
    openOrderIM: initialMargin.minus(positionIM).toFixed(8),
  };
}
