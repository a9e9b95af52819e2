/** Account-setup answers shared by the gateway's door and `liqguard venue`: commissionRate,
 * symbolConfig, multiAssetsMargin and positionSide/dual (one-way mode, single-asset margin). */
import { Decimal } from '../core/decimal.js';
import type { InstrumentSpec } from '../core/types.js';
import { BinanceApiError } from './errors.js';

/** The simulated exchange's fee schedule (its default maker/taker fees). */
const SIMULATED_COMMISSION = { maker: '0.0002', taker: '0.0005' } as const;

export const commissionRateJson = (inst: InstrumentSpec) => ({
  symbol: inst.venueSymbol,
  makerCommissionRate: SIMULATED_COMMISSION.maker,
  takerCommissionRate: SIMULATED_COMMISSION.taker,
  rpiCommissionRate: '0',
});

/** One symbolConfig row; maxNotionalValue is the cap of the last bracket that still grants the
 * leverage. */
export function symbolConfigJson(inst: InstrumentSpec, leverage: string, isolated = false) {
  const allowed = inst.brackets.filter((b) => new Decimal(b.initialLeverage).gte(leverage));
  return {
    symbol: inst.venueSymbol,
    marginType: isolated ? 'ISOLATED' : 'CROSSED',
    isAutoAddMargin: false,
    leverage: Number(leverage),
    maxNotionalValue: allowed.at(-1)?.notionalCap ?? '0',
  };
}

export const MULTI_ASSETS_MARGIN = { multiAssetsMargin: false } as const;
export const DUAL_SIDE_POSITION = { dualSidePosition: false } as const;

/** POST positionSide/dual: one-way mode only. Always throws (-4059 when unchanged). */
export function refuseDualSideChange(v: string | undefined): never {
  if (v === undefined)
    throw new BinanceApiError(
      400,
      -1102,
      "Mandatory parameter 'dualSidePosition' was not sent, was empty/null, or malformed.",
    );
  if (v === 'false') throw new BinanceApiError(400, -4059, 'No need to change position side.');
  if (v === 'true')
    throw new BinanceApiError(
      400,
      -1130,
      "Data sent for parameter 'dualSidePosition' is not valid. LIQGUARD UNSUPPORTED: one-way mode only (hedge mode is not routed)",
    );
  throw new BinanceApiError(400, -1130, "Data sent for parameter 'dualSidePosition' is not valid.");
}
