/** Binance USD-M error codes the simulated venue answers with. The ExecutionReport carries the
 * gateway deny code (`code`) and `reason` = "<binance code> <binance message>"; the numeric code
 * and message are kept apart for a Binance-compatible HTTP front. */
import type { DenyCode } from '../../core/deny-codes.js';

export interface VenueReject {
  readonly venueCode: number;
  readonly message: string;
  readonly code: DenyCode;
}

const r = (venueCode: number, message: string, code: DenyCode = 'VENUE_REJECTED'): VenueReject => ({
  venueCode,
  message,
  code,
});

export const REJECT = {
  unknownSymbol: () => r(-1121, 'Invalid symbol.'),
  malformed: (param: string) => r(-1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  badClientOrderId: () => r(-4015, 'Client order id is not valid.'),
  duplicateClientOrderId: () => r(-4116, 'ClientOrderId is duplicated.'),
  qtyNotPositive: () => r(-4003, 'Quantity less than or equal to zero.'),
  qtyBelowMin: () => r(-4004, 'Quantity less than min quantity.'),
  qtyAboveMax: () => r(-4005, 'Quantity greater than max quantity.'),
  precision: () => r(-1111, 'Precision is over the maximum defined for this asset.'),
  priceTick: () => r(-4014, 'Price not increased by tick size.'),
  minNotional: (min: string) =>
    r(-4164, `Order's notional must be no smaller than ${min} (unless you choose reduce only).`),
  reduceOnly: () => r(-2022, 'ReduceOnly Order is rejected.'),
  postOnly: () => r(-5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.'),
  margin: () => r(-2019, 'Margin is insufficient.', 'INSUFFICIENT_FUNDS'),
  maxPosition: () => r(-2027, 'Exceeded the maximum allowable position at current leverage.'),
  leverage: (lev: string) => r(-4028, `Leverage ${lev} is not valid`),
  noPrice: (symbol: string) =>
    r(-1000, `No market price for ${symbol} yet; the simulated venue needs a bar or mark event first.`),
  unknownOrder: () => r(-2013, 'Order does not exist.'),
  cancelUnknown: () => r(-2011, 'Unknown order sent.'),
  marginTypePosition: () => r(-4048, 'Margin type cannot be changed if there exists position.'),
  immediateTrigger: () => r(-2021, 'Order would immediately trigger.'),
  callbackRate: () => r(-1130, "Data sent for parameter 'callbackRate' is not valid."),
  amendNothing: () => r(-5027, 'No need to modify the order.'),
  amendBelowFilled: () => r(-4005, 'Quantity less than or equal to executed quantity.'),
  amendNotLimit: () => r(-1116, 'Invalid orderType.'),
  // Binance would match the crossing part at once; the simulator refuses instead (documented).
  amendCrosses: () =>
    r(
      -5022,
      'Due to the order could not be executed as maker, the Post Only order will be rejected. LIQGUARD SIM: an amendment that crosses is not simulated',
    ),
  marginTypeOrders: () => r(-4047, 'Margin type cannot be changed if there exists open orders.'),
} as const;

export const rejectReason = (x: VenueReject): string => `${x.venueCode} ${x.message}`;
