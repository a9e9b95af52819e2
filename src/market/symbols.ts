/** Binance USD-M venue symbols ↔ ccxt unified symbols for linear perpetuals.
 * BTCUSDT ↔ BTC/USDT:USDT, 1000PEPEUSDT ↔ 1000PEPE/USDT:USDT, ETHUSDC ↔ ETH/USDC:USDC. */
const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD'] as const;
const UNIFIED = /^([A-Z0-9]+)\/([A-Z0-9]+):([A-Z0-9]+)$/;

export function toUnifiedSymbol(venueSymbol: string): string {
  const s = venueSymbol.trim().toUpperCase();
  if (UNIFIED.test(s)) return s;
  for (const q of QUOTES) {
    if (s.endsWith(q) && s.length > q.length && /^[A-Z0-9]+$/.test(s)) return `${s.slice(0, -q.length)}/${q}:${q}`;
  }
  throw new RangeError(
    `cannot map venue symbol "${venueSymbol}" to a linear perpetual: expected BASE+QUOTE with quote one of ` +
      `${QUOTES.join(', ')} (e.g. BTCUSDT)`,
  );
}

export function toVenueSymbol(unified: string): string {
  const m = UNIFIED.exec(unified.trim());
  if (!m) {
    if (/^[A-Z0-9]+$/.test(unified)) return unified;
    throw new RangeError(`"${unified}" is not a ccxt unified perpetual symbol such as BTC/USDT:USDT`);
  }
  const [, base, quote, settle] = m;
  if (quote !== settle)
    throw new RangeError(`"${unified}" is not a linear perpetual (settle ${settle} differs from quote ${quote})`);
  return `${base}${quote}`;
}
