// REST and WebSocket access with the operator's API key (kept in sessionStorage only).
const KEY = 'liqguard.apiKey';
export const getKey = () => sessionStorage.getItem(KEY) ?? '';
export const setKey = (k) => sessionStorage.setItem(KEY, k);

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? 'HTTP_' + status;
    this.details = error?.details ?? [];
  }
}

export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const res = await fetch(path, {
    method,
    headers: {
      'x-api-key': getKey(),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, json?.error);
  return json;
}

/** A stream that reconnects with backoff. onState('live'|'connecting'|'down'); onHello(msg); onMessage(msg). */
export function connectStream({ onMessage, onState, onHello }) {
  let ws;
  let stopped = false;
  let delay = 500;
  const open = () => {
    if (stopped) return;
    onState('connecting');
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${proto}://${location.host}/v1/stream?key=${encodeURIComponent(getKey())}`);
    ws.onmessage = (ev) => {
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (m.type === 'hello') {
        delay = 500;
        onState('live');
        ws.send(JSON.stringify({ op: 'subscribe', channels: m.channels }));
        onHello?.(m);
      } else onMessage(m);
    };
    ws.onclose = () => {
      if (stopped) return;
      onState('down');
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  open();
  return { close: () => ((stopped = true), ws?.close()) };
}
