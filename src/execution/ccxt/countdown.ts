/** Binance USD-M's dead-man switch through ccxt: POST /fapi/v1/countdownCancelAll with the
 * venue symbol and countdownTime in ms (0 disarms). It goes through the venue budget as a query
 * (weight 10): denied during a 418 ban like every request but cancels (the keeper then reports a
 * refresh failure, and the venue's countdown runs out as it should). Other ccxt exchanges have no
 * such call here (see the README: what operators do instead). */
import { LiqguardError } from '../../core/errors.js';
import type { InstrumentSpec } from '../../core/types.js';
import type { VenueBudget } from '../budget/index.js';
import { mapCcxtError } from './errors.js';
import type { CcxtExchange } from './exchange.js';

type CountdownCall = (params: Record<string, unknown>) => Promise<unknown>;

/** The arm function for `exchange`, or undefined when the exchange has no countdown cancel. */
export function countdownCancelAll(
  exchange: CcxtExchange,
  budget: VenueBudget,
  spec: (symbol: string) => InstrumentSpec | undefined,
): ((symbol: string, countdownMs: number) => Promise<void>) | undefined {
  const call = (exchange as unknown as { fapiPrivatePostCountdownCancelAll?: CountdownCall })
    .fapiPrivatePostCountdownCancelAll;
  if (exchange.id !== 'binanceusdm' || typeof call !== 'function') return undefined;
  return async (symbol, countdownMs) => {
    const inst = spec(symbol);
    if (!inst) throw new LiqguardError('INVALID_FIELD', `dead-man switch: ${symbol} is not listed by this venue`);
    const permit = await budget.acquire('query', 10);
    if (!permit.ok) throw new LiqguardError('UNAVAILABLE', `dead-man switch for ${symbol}: ${permit.code}`);
    try {
      await call.call(exchange, { symbol: inst.venueSymbol, countdownTime: Math.max(0, Math.round(countdownMs)) });
    } catch (e) {
      const m = mapCcxtError(e);
      throw new LiqguardError('UNAVAILABLE', `dead-man switch for ${symbol}: ${m.code} ${m.reason}`);
    }
  };
}
