/** Binance USD-M stream names: parsing, and which channels a source update feeds. */
import { INTERVALS } from './format.js';
import type { SourceUpdate } from './source.js';

export type Channel =
  | 'depth'
  | 'depthPartial'
  | 'markPrice'
  | 'miniTicker'
  | 'ticker'
  | 'forceOrder'
  | 'kline'
  | 'aggTrade'
  | 'trade'
  | 'bookTicker';

export interface StreamSpec {
  readonly name: string;
  readonly channel: Channel;
  /** Lower-case venue symbol; '*' for all-market streams (!markPrice@arr ...). */
  readonly symbol: string;
  readonly levels?: number;
  readonly intervalMs?: number;
  /** All-market mark price answers with an array of events. */
  readonly array?: boolean;
}

const RATE = '(?:@(?:0|100|250|500)ms)?';
const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => Omit<StreamSpec, 'name' | 'symbol'> | undefined][] = [
  [new RegExp(`^depth${RATE}$`), () => ({ channel: 'depth' })],
  [new RegExp(`^depth(5|10|20)${RATE}$`), (m) => ({ channel: 'depthPartial', levels: Number(m[1]) })],
  [/^markPrice(?:@1s)?$/, () => ({ channel: 'markPrice' })],
  [/^miniTicker$/, () => ({ channel: 'miniTicker' })],
  [/^ticker$/, () => ({ channel: 'ticker' })],
  [/^forceOrder$/, () => ({ channel: 'forceOrder' })],
  [/^aggTrade$/, () => ({ channel: 'aggTrade' })],
  [/^trade$/, () => ({ channel: 'trade' })],
  [/^bookTicker$/, () => ({ channel: 'bookTicker' })],
  [
    /^kline_([0-9]+[mhdw])$/,
    (m) => (INTERVALS[m[1]!] ? { channel: 'kline', intervalMs: INTERVALS[m[1]!]! } : undefined),
  ],
];

const ALL_MARKET: Readonly<Record<string, Omit<StreamSpec, 'name' | 'symbol'>>> = {
  '!markPrice@arr': { channel: 'markPrice', array: true },
  '!markPrice@arr@1s': { channel: 'markPrice', array: true },
  '!miniTicker@arr': { channel: 'miniTicker', array: true },
  '!ticker@arr': { channel: 'ticker', array: true },
  '!forceOrder@arr': { channel: 'forceOrder' },
  '!bookTicker': { channel: 'bookTicker' },
};

/** undefined when the name is not a Binance USD-M market stream. */
export function parseStream(name: string): StreamSpec | undefined {
  const all = ALL_MARKET[name];
  if (all) return { name, symbol: '*', ...all };
  const at = name.indexOf('@');
  if (at <= 0) return undefined;
  const symbol = name.slice(0, at);
  if (!/^[a-z0-9_]{1,30}$/.test(symbol)) return undefined;
  const rest = name.slice(at + 1);
  for (const [re, make] of PATTERNS) {
    const m = re.exec(rest);
    if (m) {
      const spec = make(m);
      return spec ? { name, symbol, ...spec } : undefined;
    }
  }
  return undefined;
}

/** The channels one source update can feed. */
export function channelsFor(u: SourceUpdate): readonly Channel[] {
  switch (u.kind) {
    case 'depth':
      return ['depth', 'depthPartial', 'bookTicker'];
    case 'mark':
      return ['markPrice'];
    case 'kline':
      return ['kline'];
    case 'trade':
      return ['aggTrade', 'trade'];
    case 'liquidation':
      return ['forceOrder'];
    case 'ticker':
      return ['ticker', 'miniTicker'];
  }
}

/** The fault filter's channel name for a stream channel (partial depth counts as depth). */
export const faultChannel = (c: Channel): string => (c === 'depthPartial' ? 'depth' : c);
