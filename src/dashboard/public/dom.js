// DOM helpers. Every piece of data reaches the page as a text node or an attribute value set
// through the DOM API, never as HTML: bot-supplied strings (client order ids, reasons) are inert.

/** h('td', { class: 'num' }, text, childNode, ...) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const $ = (id) => document.getElementById(id);

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const pad = (n) => String(n).padStart(2, '0');
export function timeUtc(ms) {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
export function dateTimeUtc(ms) {
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}
export const pct = (p, digits = 1) =>
  typeof p === 'number' && Number.isFinite(p) ? `${(p * 100).toFixed(digits)}%` : '—';
export const num = (x, digits = 4) =>
  typeof x === 'number' && Number.isFinite(x)
    ? Math.abs(x) >= 1000
      ? x.toFixed(1)
      : Number(x.toPrecision(digits)).toString()
    : x === null || x === undefined
      ? '—'
      : String(x);
export const shortSha = (s) => (typeof s === 'string' ? s.slice(0, 10) : '—');
export const REGIMES = ['stable', 'stressed', 'fragile', 'critical', 'unknown'];
export const regimeClass = (r) => (REGIMES.includes(r) ? r : 'unknown');

let toastTimer;
export function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.classList.remove('hidden');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.add('hidden'), 4000);
}
