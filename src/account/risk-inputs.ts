/** Adapts venue account state and market features into the inputs of the pure exposure
 * computation (src/account). Lives beside the pipeline because it does I/O (venue account). */
import { computeExposure } from './index.js';
import type { ExposureFn } from '../pipeline.js';
import type { PolicyStateView } from '../policy/state.js';
import type { Exposure, RegimeLabel, Venue } from '../core/types.js';

/** How much wider than its trailing realised volatility a regime's next hours are assumed to be,
 * for the touch probability. Unknown is treated like critical: fail closed. */
const REGIME_VOL_SCALE: Readonly<Record<RegimeLabel, number>> = {
  stable: 1,
  stressed: 1.25,
  fragile: 1.6,
  critical: 2.2,
  unknown: 2.2,
};
const BAR_HOURS = 1;

export function makeExposureFn(deps: {
  venues: ReadonlyMap<string, Venue>;
  policyState: PolicyStateView;
  feeRate?: string;
}): ExposureFn {
  return async (intent, instrument, market, score) => {
    const venue = deps.venues.get(intent.venue)!;
    const account = await venue.accountState(intent.account);
    const openOrdersNotional = deps.policyState.openNotional(intent.clientId);
    const mark = market.mark ?? market.last;
    if (mark === undefined || !(mark > 0)) {
      // No price: nothing can be computed. Policies see no liquidation distance and the regime
      // is unknown (the snapshot is degraded), which is the conservative path.
      const pos = account.positions.find((p) => p.symbol === intent.symbol);
      const out: Exposure = {
        openOrdersNotional,
        clientNotional: openOrdersNotional,
        postFillQuantity: pos?.quantity ?? '0',
        reducesPosition: false,
        account,
        ...(pos ? { position: pos } : {}),
      };
      return out;
    }
    const horizonHours = score.status === 'ok' ? score.horizonHours : 4;
    const rvPerBar = market.features.rv_24;
    const horizonSigma =
      typeof rvPerBar === 'number' && Number.isFinite(rvPerBar) ? rvPerBar * Math.sqrt(horizonHours / BAR_HOURS) : NaN;
    return computeExposure({
      intent,
      instrument,
      account,
      markPrice: mark,
      horizonSigma,
      regimeVolScale: REGIME_VOL_SCALE[score.regime],
      openOrdersNotional,
      feeRate: deps.feeRate ?? '0.0005',
      bracketsOf: (s) => venue.instrument(s)?.brackets,
    });
  };
}
