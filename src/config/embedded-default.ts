/** The embedded default config: a paper gateway on a simulated venue that replays real Binance
 * history through the 2025-10-10 cascade. No keys, no network. `liqguard config default` prints
 * it, so users can start their own config from it. Relative paths resolve against the package. */
export const DEMO_API_KEY = 'lg_demo_9f2c4e7a1b';
export const DEMO_API_SECRET = 'lg_demo_secret_5d8e1f3a6c2b4d90';

export const EMBEDDED_DEFAULT_YAML = `# liqguard embedded default: simulated venue replaying real history (no keys, no network)
instance: local
server:
  host: 127.0.0.1        # HOST env overrides
  port: 8080             # PORT env overrides
  bodyLimit: 16384
  logLevel: info
  rateLimit: { perSecond: 2000, burst: 4000 }   # per API key; over it: 429 TOO_MANY_REQUESTS (0 = off)
clients:
  - id: demo
    apiKey: ${DEMO_API_KEY}   # demo only: real clients use apiKeyEnv
    apiSecret: ${DEMO_API_SECRET}
    account: demo
    venue: sim
    roles: [trader, viewer, operator, compliance]
venues:
  - id: sim
    kind: simulated
    initialBalance: "100000"
    symbols: [BTC/USDT:USDT, ETH/USDT:USDT, XRP/USDT:USDT, BNB/USDT:USDT]
market:
  source: replay
  replay:
    dataDir: data
    warmupFrom: 2025-08-01
    from: 2025-09-26
    to: 2025-10-24
    barsPerSecond: 2       # one replayed hour every 0.5 s: the cascade arrives after ~5 minutes
    loop: true
  staleAfterMs: 7200000    # in replay time: two missing hourly bars make the data stale
scoring:
  scorer: model
  model: models           # a directory: models/default.json names the default card
policies:
  dir: policies
  enforce: default
  watch: true
audit:
  dir: var/audit
  rotateBytes: 67108864
  rotateDaily: true
  fsync: false
state:
  dir: var/state
overrides:
  distinctClients: false   # one demo key: x-operator names tell the two people apart. Default true:
                           # give each operator a key, so one key can never both request and approve
`;
