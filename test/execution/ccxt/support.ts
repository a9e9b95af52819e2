/** A CcxtVenue (real ccxt binanceusdm) against the test venue server. */
import { Registry } from 'prom-client';
import { systemClock } from '../../../src/core/clock.js';
import type { VenueConfig } from '../../../src/config/types.js';
import { createCcxtVenue, type CcxtVenue, type CcxtVenueOptions } from '../../../src/execution/ccxt/index.js';
import { KEY, SECRET, startTestVenue, type TestVenue } from '../../venue-api/private/support.js';
import { ds } from '../../support/decimals.js';

export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';

export function venueConfig(urls: Record<string, string>, over: Partial<VenueConfig> = {}): VenueConfig {
  return {
    id: 'binance-sim',
    kind: 'ccxt',
    exchangeId: 'binanceusdm',
    symbols: [BTC, ETH],
    initialBalance: ds('0'),
    apiKey: KEY,
    secret: SECRET,
    urls,
    sandbox: false,
    ...over,
  };
}

export interface Rig {
  readonly v: TestVenue;
  readonly venue: CcxtVenue;
  readonly registry: Registry;
  close(): Promise<void>;
}

export async function startRig(
  options: CcxtVenueOptions = {},
  cfg: Partial<VenueConfig> = {},
  venueOpts: Parameters<typeof startTestVenue>[0] = {},
): Promise<Rig> {
  const v = await startTestVenue(venueOpts);
  const registry = new Registry();
  // The REST drills count requests and inject 429s: the user-data stream (its listenKey calls) is
  // off unless a test turns it on (order-stream.test.ts).
  const venue = await createCcxtVenue(venueConfig(v.urls, cfg), {
    clock: systemClock,
    registry,
    options: { timeoutMs: 2000, recvWindowMs: 600, pollIntervalMs: 60_000, userStream: false, ...options },
  });
  return {
    v,
    venue,
    registry,
    async close() {
      await venue.close();
      await v.close();
    },
  };
}

let seq = 0;
export const cid = (p = 'c'): string => `${p}-${process.pid}-${++seq}`;

/** How many orders with this clientOrderId the exchange executed (ledger trade rows). */
export function tradesOf(v: TestVenue, account: string, clientOrderId: string): number {
  return v.exchange.ledger(account).filter((e) => e.kind === 'trade' && e.clientOrderId === clientOrderId).length;
}
