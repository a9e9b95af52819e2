/** liqguard venue: the simulated venue (real history replayed from data/) served over a Binance
 * USD-M-compatible REST + websocket API with HMAC-signed private endpoints and fault injection.
 * Bots test offline against it with unchanged ccxt code; only the URLs change. */
import { EMBEDDED_DEFAULT, type ReplaySpeed } from '../../market/replay/index.js';
import { localBinanceUrls } from '../../market/live/index.js';
import { CONTROL_PATH } from '../../venue-api/private/index.js';
import { startSimulatedVenueServer } from '../../venue-api/private/simulated-venue-server.js';

/** Used when no credentials are given: the venue is a local simulator, the pair is printed at start. */
export const DEMO_VENUE_KEY = 'lg_venue_demo_key';
export const DEMO_VENUE_SECRET = 'lg_venue_demo_secret_7c1e9b2d';

const USAGE = `usage: liqguard venue [options]

Serves the simulated venue over a Binance USD-M-compatible API (REST /fapi/..., websocket /ws),
replaying real history from data/ into it. Prints the URLs and the ccxt settings to use.

options:
  --port N              listen port (default 0: any free port; printed)
  --host H              listen address (default 127.0.0.1)
  --symbols A,B         ccxt symbols (default ${EMBEDDED_DEFAULT.symbols.join(',')})
  --from DATE --to DATE replay window (default ${EMBEDDED_DEFAULT.from} .. ${EMBEDDED_DEFAULT.to})
  --warmup-from DATE    history ingested at once before --from (default ${EMBEDDED_DEFAULT.warmupFrom})
  --speed S             bars per second (e.g. 2), or a multiple of real time (e.g. 60x); default 1
  --loop                restart at --from when the window ends
  --data DIR            data directory (default ./data)
  --api-key K --api-secret S   credentials accepted (or env LIQGUARD_VENUE_API_KEY / _SECRET);
                        neither given: the demo pair ${DEMO_VENUE_KEY} / ${DEMO_VENUE_SECRET}
  --balance USDT        starting wallet of the account (default 100000)
  --no-faults           do not serve ${CONTROL_PATH}

Faults (POST ${CONTROL_PATH} with JSON; DELETE clears; GET shows counts):
  {"kind":"latency","ms":200,"path":"/fapi/v1/order"}
  {"kind":"error","status":503,"path":"/fapi/v1/order","method":"POST","times":3}
  {"kind":"rateLimit","count429":2,"retryAfterSec":1,"banMs":60000}
  {"kind":"acceptThenTimeout","mode":"hang","holdMs":30000}
  {"kind":"down","ms":5000}

Test hook (with the faults endpoint): POST /_liqguard/mark {"symbol":"BTCUSDT","markPrice":"60000"}
moves the mark (and last, or "lastPrice") price: stop and take-profit orders trigger on it.`;

interface Args {
  port: number;
  host: string;
  symbols: string[];
  from: string;
  to: string;
  warmupFrom: string;
  speed: ReplaySpeed;
  loop: boolean;
  data: string;
  apiKey?: string;
  apiSecret?: string;
  balance?: string;
  faults: boolean;
}

export function parseVenueArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Args | string {
  const a: Args = {
    port: 0,
    host: '127.0.0.1',
    symbols: [...EMBEDDED_DEFAULT.symbols],
    from: EMBEDDED_DEFAULT.from,
    to: EMBEDDED_DEFAULT.to,
    warmupFrom: EMBEDDED_DEFAULT.warmupFrom,
    speed: { barsPerSecond: 1 },
    loop: false,
    data: 'data',
    faults: true,
  };
  const key = env.LIQGUARD_VENUE_API_KEY;
  const secret = env.LIQGUARD_VENUE_API_SECRET;
  if (key) a.apiKey = key;
  if (secret) a.apiSecret = secret;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=')
      ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)]
      : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new RangeError(`${name} needs a value`);
      return v;
    };
    try {
      switch (name) {
        case '--port': {
          const p = Number(value());
          if (!Number.isInteger(p) || p < 0 || p > 65535) return `--port must be an integer 0-65535`;
          a.port = p;
          break;
        }
        case '--host':
          a.host = value();
          break;
        case '--symbols':
          a.symbols = value()
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          break;
        case '--from':
          a.from = value();
          break;
        case '--to':
          a.to = value();
          break;
        case '--warmup-from':
          a.warmupFrom = value();
          break;
        case '--speed': {
          const v = value();
          const m = /^([0-9]*\.?[0-9]+)x$/.exec(v);
          const n = Number(m ? m[1] : v);
          if (!(n > 0))
            return (
              `--speed must be a positive number of bars per second (2) or a multiple of real time ` +
              `(60x), got "${v}"`
            );
          a.speed = m ? { multiplier: n } : { barsPerSecond: n };
          break;
        }
        case '--loop':
          a.loop = true;
          break;
        case '--data':
          a.data = value();
          break;
        case '--api-key':
          a.apiKey = value();
          break;
        case '--api-secret':
          a.apiSecret = value();
          break;
        case '--balance':
          a.balance = value();
          if (!/^[0-9]+(\.[0-9]+)?$/.test(a.balance))
            return `--balance must be a decimal amount of USDT, got "${a.balance}"`;
          break;
        case '--no-faults':
          a.faults = false;
          break;
        default:
          return `unknown argument "${flag}"`;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (!a.apiKey && !a.apiSecret) {
    // Offline testing should start with one command, like the gateway's embedded default: a demo key pair, printed.
    a.apiKey = DEMO_VENUE_KEY;
    a.apiSecret = DEMO_VENUE_SECRET;
  }
  if (!a.apiKey || !a.apiSecret)
    return 'set both --api-key and --api-secret (or LIQGUARD_VENUE_API_KEY and LIQGUARD_VENUE_API_SECRET), or neither for the demo pair: the private endpoints check HMAC signatures';
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(a.apiKey))
    return '--api-key may contain only letters, digits, "_" and "-" (Binance key format)';
  return a;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const a = parseVenueArgs(argv);
  if (typeof a === 'string') {
    process.stderr.write(`liqguard venue: ${a}\n\n${USAGE}\n`);
    return 2;
  }
  process.stderr.write(`liqguard venue: loading ${a.symbols.join(', ')} from ${a.data} (${a.warmupFrom} → ${a.to})…\n`);
  const v = await startSimulatedVenueServer({
    dataDir: a.data,
    symbols: a.symbols,
    from: a.from,
    to: a.to,
    warmupFrom: a.warmupFrom,
    speed: a.speed,
    loop: a.loop,
    keys: [{ apiKey: a.apiKey!, secret: a.apiSecret!, account: 'main' }],
    ...(a.balance ? { initialBalance: a.balance } : {}),
    host: a.host,
    port: a.port,
    controlEndpoint: a.faults,
    onLoop: (n) => process.stderr.write(`liqguard venue: replay loop ${n}, back at ${a.from}\n`),
    onEnd: () => {
      process.stderr.write(
        `liqguard venue: replay reached ${a.to}; prices stay at the last bar (use --loop to restart)\n`,
      );
    },
  });
  for (const n of v.notes) process.stderr.write(`  ${n}\n`);
  const urls = localBinanceUrls(v.httpUrl, v.wsUrl);
  process.stdout.write(`liqguard venue: serving ${a.symbols.join(', ')}
  REST      ${v.httpUrl}/fapi/v1/...
  websocket ${v.wsUrl}/ws  (user data: ${v.wsUrl}/ws/<listenKey>)
  ${a.faults ? `faults    ${v.httpUrl}${CONTROL_PATH}` : 'faults    control endpoint off'}
  ${a.apiKey === DEMO_VENUE_KEY ? `demo credentials: apiKey ${DEMO_VENUE_KEY}  secret ${DEMO_VENUE_SECRET}` : 'credentials: the --api-key/--api-secret pair given'}

ccxt (JavaScript):
  const ex = new ccxt.binanceusdm({ apiKey: ${a.apiKey === DEMO_VENUE_KEY ? `'${DEMO_VENUE_KEY}'` : 'apiKey'}, secret: ${a.apiKey === DEMO_VENUE_KEY ? `'${DEMO_VENUE_SECRET}'` : 'secret'}, enableRateLimit: false, options: { fetchCurrencies: false } });
  Object.assign(ex.urls.api, ${JSON.stringify(Object.fromEntries(Object.entries(urls).filter(([k]) => !k.includes('.'))), null, 2).replace(/\n/g, '\n  ')});
  // ccxt.pro websockets: ex.urls.api.ws.future = '${urls['ws.future']}'; ex.httpAgent = new http.Agent()

liqguard gateway config (venues[]):
  - id: binance-sim
    kind: ccxt
    exchangeId: binanceusdm
    symbols: [${a.symbols.join(', ')}]
    apiKeyEnv: LIQGUARD_VENUE_API_KEY
    secretEnv: LIQGUARD_VENUE_API_SECRET
    urls: ${JSON.stringify(urls)}
`);
  // Signal listeners do not keep Node running: while a `down` fault has the listening socket
  // closed nothing else might, and the process would exit 0 instead of coming back.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const why = await stop;
  clearInterval(keepAlive);
  process.stderr.write(`liqguard venue: ${why}, closing\n`);
  await v.close();
  return 0;
}
