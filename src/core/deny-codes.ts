/** The closed catalog of denial codes. A denial is a value (Decision.kind = 'deny'), rendered
 * `CODE: key=value key=value` for bots and logs. Codes are stable: add, never rename. Each maps
 * to the regulatory control it implements where there is one (used by compliance reports). */
export const DENY_CODES = {
  SYMBOL_NOT_ALLOWED: {
    control: 'RTS6-15(3) instrument permissions / 15c3-5(c)(2)(ii) restricted instruments',
    text: 'symbol is not on the allow list',
  },
  CLIENT_NOT_PERMITTED: {
    control: 'RTS6-15(3) trader permissions / 15c3-5(c)(2)(ii)-(iii)',
    text: 'client may not trade this instrument',
  },
  MAX_ORDER_QUANTITY: {
    control: 'RTS6-15(1)(c) maximum order volume / 15c3-5(c)(1)(ii)',
    text: 'order quantity above the limit',
  },
  MAX_ORDER_NOTIONAL: {
    control: 'RTS6-15(1)(b) maximum order value / 15c3-5(c)(1)(ii)',
    text: 'order notional above the limit',
  },
  PRICE_COLLAR: {
    control: 'RTS6-15(1)(a) price collars / 15c3-5(c)(1)(ii)',
    text: 'limit price too far from the mark price',
  },
  PRICE_COLLAR_WINDOW: {
    control: 'RTS6-15(1)(a) price collars over a window',
    text: 'price moved too far over the window',
  },
  MAX_MESSAGE_RATE: { control: 'RTS6-15(1)(d) maximum messages', text: 'message rate above the limit' },
  RATE_LIMIT_EXCEEDED: { control: 'RTS6-15(1)(d)', text: 'throttle queue waited too long' },
  EXPOSURE_LIMIT: {
    control: 'RTS6-15(1) credit/exposure / 15c3-5(c)(1)(i) credit thresholds',
    text: 'aggregate exposure above the limit',
  },
  DUPLICATE_ORDER: { control: 'RTS6-15 / 15c3-5(c)(1)(ii) duplicative orders', text: 'duplicate order' },
  DUPLICATE_CLIENT_ORDER_ID: { control: '15c3-5(c)(1)(ii) duplicative orders', text: 'clientOrderId already used' },
  REGIME_NOTIONAL_CAP: {
    control: 'internal: liquidation-regime sizing',
    text: 'notional above the cap for the current regime',
  },
  REGIME_UNKNOWN: {
    control: 'internal: fail closed on missing data',
    text: 'market data stale or implausible; regime unknown',
  },
  LIQUIDATION_DISTANCE: {
    control: 'internal: liquidation distance',
    text: 'order puts the position too close to liquidation',
  },
  LEVERAGE_LIMIT: { control: 'internal: leverage', text: 'post-fill leverage above the limit' },
  MARGIN_INSUFFICIENT: { control: '15c3-5(c)(1)(i)', text: 'not enough margin for the order' },
  REDUCE_ONLY_STATE: {
    control: 'internal: trading state REDUCING',
    text: 'only orders that reduce a position are allowed',
  },
  HALTED: { control: 'RTS6-12 kill functionality', text: 'trading halted for this scope' },
  KILL_SWITCH: { control: 'RTS6-12 kill functionality / 15c3-5', text: 'kill switch active' },
  POLICY_REJECT: { control: 'internal: policy rule', text: 'rejected by a policy rule' },
  SPLIT_LOT_SIZE: {
    control: 'internal: order splitting',
    text: 'quantity to split is not a whole number of venue lots',
  },
  SPLIT_NO_PRICE: {
    control: 'internal: order splitting',
    text: 'no limit or reference price to size or protect the split children',
  },
  SPLIT_PROTECTION_PRICE: {
    control: 'internal: order splitting',
    text: 'protective child price would not be positive',
  },
  BELOW_MIN_NOTIONAL: {
    control: 'venue filter',
    text: 'order (after caps) below the venue minimum notional or lot size',
  },
  INVALID_TICK: { control: 'venue filter', text: 'price not on the venue tick size' },
  VENUE_BANNED: { control: 'venue budget', text: 'venue has banned the gateway (HTTP 418) until the ban ends' },
  VENUE_RATE_LIMITED: { control: 'venue budget', text: 'venue rate budget exhausted' },
  VENUE_UNAVAILABLE: { control: 'venue', text: 'venue unreachable' },
  VENUE_REJECTED: { control: 'venue', text: 'venue rejected the order' },
  INSUFFICIENT_FUNDS: { control: 'venue', text: 'venue reports insufficient funds' },
  VENUE_AUTH: { control: 'venue', text: 'venue rejected the credentials' },
  VENUE_UNKNOWN_STATE: { control: 'venue', text: 'order state at the venue could not be established' },
  CLUSTER_UNAVAILABLE: { control: 'internal: fail closed', text: 'shared limit store unreachable' },
  LOSS_LIMIT: {
    control: 'RTS6-15(1) credit and risk limits / 15c3-5(c)(1)(i)',
    text: 'scope past its daily or drawdown loss limit (latched)',
  },
  POSITION_LIMIT: {
    control: 'RTS6-15(1) position limits / 15c3-5(c)(1)(i)',
    text: 'position after the fill above the limit of a scope',
  },
  ORDER_TO_TRADE_RATIO: {
    control: 'RTS9 order-to-trade ratio',
    text: 'orders per executed trade above the limit over the window',
  },
  CANCEL_RATIO: { control: 'RTS9 / RTS6-15(1)(d)', text: 'cancels per order above the limit over the window' },
  SELF_TRADE: {
    control: 'MAR Art. 12 wash trades / RTS6-15',
    text: 'order would cross a resting order of the same client or group',
  },
  ACCOUNT_UNAVAILABLE: {
    control: 'internal: fail closed / 15c3-5(c)(1)(i)',
    text: 'account state (venue account read, exposure) could not be established',
  },
  MARKET_DATA_UNAVAILABLE: {
    control: 'internal: fail closed on missing data',
    text: 'the market view failed for this symbol',
  },
  TRADING_STATE_UNAVAILABLE: {
    control: 'RTS6-12 kill functionality (fail closed)',
    text: 'kill switch / trading state could not be read',
  },
  POLICY_EVALUATION_FAILED: { control: 'internal: fail closed', text: 'the policy evaluation failed' },
} as const;

export type DenyCode = keyof typeof DENY_CODES;

export type DenyParams = Readonly<Record<string, string | number | boolean>>;

/** `CODE: key=value key=value`, keys in insertion order. Values with spaces are quoted. */
export function renderDenial(code: DenyCode, params: DenyParams = {}): string {
  const parts = Object.entries(params).map(([k, v]) => {
    const s = String(v);
    return `${k}=${/[\s"]/.test(s) ? JSON.stringify(s) : s}`;
  });
  return parts.length ? `${code}: ${parts.join(' ')}` : code;
}

export const isDenyCode = (s: string): s is DenyCode => Object.prototype.hasOwnProperty.call(DENY_CODES, s);
