import { describe, expect, it } from 'vitest';
import { intrabarPath } from '../../../src/execution/simulated/intrabar-path.js';
import {
  DEFAULT_IMPACT,
  impactFraction,
  maxQtyWithin,
  parkinsonSigma,
} from '../../../src/execution/simulated/impact.js';
import { buildInstruments } from '../../../src/execution/simulated/instruments.js';
import { BTCUSDT_BRACKETS, ALT_BRACKETS, ETHUSDT_BRACKETS } from '../../../src/execution/simulated/brackets.js';
import { maintenanceMargin } from '../../../src/account/margin.js';
import { Decimal } from '../../../src/core/decimal.js';

describe('intra-bar path', () => {
  it('bullish bars visit the low first, bearish bars the high, ending at the close', () => {
    const up = intrabarPath({ open: 100, high: 110, low: 95, close: 105, openTime: 0, ts: 1200 }, 2);
    expect(up.map((p) => p.price)).toEqual([100, 97.5, 95, 102.5, 110, 107.5, 105]);
    expect(up.map((p) => p.ts)).toEqual([0, 200, 400, 600, 800, 1000, 1200]);
    const down = intrabarPath({ open: 100, high: 110, low: 95, close: 96, openTime: 0, ts: 1200 }, 1);
    expect(down.map((p) => p.price)).toEqual([100, 110, 95, 96]);
  });
});

describe('impact model', () => {
  it('grows with the square root of size relative to volume, capped', () => {
    const bar = { sigma: parkinsonSigma(101, 99), volume: 100 };
    const a = impactFraction(1, bar, DEFAULT_IMPACT);
    const b = impactFraction(4, bar, DEFAULT_IMPACT);
    // 4× the size → 2× the volatility term
    expect(b - DEFAULT_IMPACT.halfSpread).toBeCloseTo(2 * (a - DEFAULT_IMPACT.halfSpread), 12);
    expect(impactFraction(1e9, bar, DEFAULT_IMPACT)).toBe(DEFAULT_IMPACT.cap);
    expect(impactFraction(1, undefined, DEFAULT_IMPACT)).toBe(DEFAULT_IMPACT.halfSpread);
  });

  it('maxQtyWithin inverts the impact', () => {
    const bar = { sigma: 0.01, volume: 50 };
    const q = maxQtyWithin(0.002, bar, DEFAULT_IMPACT);
    expect(impactFraction(q, bar, DEFAULT_IMPACT)).toBeCloseTo(0.002, 12);
    expect(maxQtyWithin(0.00005, bar, DEFAULT_IMPACT)).toBe(0);
    expect(maxQtyWithin(0.06, bar, DEFAULT_IMPACT)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('instruments and brackets', () => {
  it('defaults carry Binance filters', () => {
    const [btc, eth, xrp, bnb] = buildInstruments('sim');
    expect(btc).toMatchObject({
      venueSymbol: 'BTCUSDT',
      tickSize: '0.1',
      stepSize: '0.001',
      minNotional: '100',
      maxLeverage: 125,
    });
    expect(eth).toMatchObject({ venueSymbol: 'ETHUSDT', tickSize: '0.01', stepSize: '0.001', minNotional: '20' });
    expect(xrp).toMatchObject({ venueSymbol: 'XRPUSDT', tickSize: '0.0001', stepSize: '0.1', minNotional: '5' });
    expect(bnb).toMatchObject({ venueSymbol: 'BNBUSDT', tickSize: '0.01', stepSize: '0.01', minNotional: '5' });
    expect(xrp!.brackets).toBe(ALT_BRACKETS);
  });

  it('rejects unknown symbols with every problem listed', () => {
    expect(() => buildInstruments('sim', ['DOGE/USDT:USDT', 'nope'])).toThrow(/2 invalid instrument/);
  });

  it('tables are continuous and each bracket allows at most half its initial margin as MM', () => {
    for (const t of [BTCUSDT_BRACKETS, ETHUSDT_BRACKETS, ALT_BRACKETS]) {
      for (const b of t.slice(1)) {
        const below = new Decimal(b.notionalFloor).minus('0.000001');
        expect(maintenanceMargin(below, t).minus(maintenanceMargin(b.notionalFloor, t)).abs().lt('0.0001')).toBe(true);
        expect(new Decimal(b.maintMarginRatio).lte(new Decimal(1).div(b.initialLeverage).div(2))).toBe(true);
      }
    }
    // Binance's published BTCUSDT cum values for the first brackets
    expect(BTCUSDT_BRACKETS.slice(0, 5).map((b) => b.maintAmount)).toEqual(['0', '50', '2550', '122550', '1372550']);
  });
});

describe('options', () => {
  it('reports every invalid option at once', async () => {
    const { SimulatedExchange } = await import('../../../src/execution/simulated/exchange.js');
    const { ManualClock } = await import('../../../src/core/clock.js');
    try {
      new SimulatedExchange({ clock: new ManualClock(0), makerFee: '-1', stepsPerLeg: 0, initialBalance: 'lots' });
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('CONFIG_INVALID');
      expect((e as { details: { message: string }[] }).details.map((d) => d.message.split(':')[0])).toEqual([
        'makerFee',
        'stepsPerLeg',
        'initialBalance',
      ]);
    }
  });
});
