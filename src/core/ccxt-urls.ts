/** ccxt URL overrides, shared by the live market feed and the ccxt venue adapter (both point
 * ccxt at a configured host, e.g. liqguard venue or the gateway's own Binance front door). */

/** Every URL ccxt's binanceusdm uses, pointed at a Binance USD-M-compatible server. */
export function localBinanceUrls(httpUrl: string, wsUrl: string): Record<string, string> {
  const h = httpUrl.replace(/\/$/, '');
  return {
    fapiPublic: `${h}/fapi/v1`,
    fapiPublicV2: `${h}/fapi/v2`,
    fapiPublicV3: `${h}/fapi/v3`,
    fapiPrivate: `${h}/fapi/v1`,
    fapiPrivateV2: `${h}/fapi/v2`,
    fapiPrivateV3: `${h}/fapi/v3`,
    fapiData: `${h}/futures/data`,
    'ws.future': `${wsUrl.replace(/\/$/, '')}/ws`,
  };
}

/** Set `urls` (dotted paths such as `ws.future`) into a ccxt `urls.api` object. Returns whether
 * any of them is a plain ws:// URL (ccxt then needs an http.Agent). */
export function applyUrlOverrides(api: Record<string, unknown>, urls: Readonly<Record<string, string>>): boolean {
  let plainWs = false;
  for (const [path, url] of Object.entries(urls)) {
    const parts = path.split('.');
    let node = api;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      if (next === null || typeof next !== 'object') node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = url;
    if (url.startsWith('ws://')) plainWs = true;
  }
  return plainWs;
}
