// Boot: ask for the key, load the initial state over REST, then follow the live stream.
import { api, connectStream, getKey, setKey } from './api.js';
import { SymbolCards } from './cards.js';
import { closeDetail, DecisionsTable, rowFromEvent, rowFromOrder } from './decisions.js';
import { $ } from './dom.js';
import { KillPanel, renderCounters, renderOverrides, renderVersions } from './ops.js';

const cards = new SymbolCards();
const table = new DecisionsTable();
const kill = new KillPanel({
  values: () => ({ client: [...table.seen.client], symbol: [...cards.cards.keys()], venue: [], account: [] }),
});
let stream;
let pollTimer;
let summaryLoaded = false;

function setConn(state) {
  $('conn').dataset.state = state;
  $('conn-text').textContent = state;
}

async function loadSummary() {
  const s = await api('/v1/dashboard/summary');
  renderVersions(s.versions, s.instance);
  renderCounters(s.counters);
  renderOverrides(s.overrides, s.roles.includes('operator') || s.roles.includes('compliance'));
  cards.fromSummary(s.symbols, !summaryLoaded);
  summaryLoaded = true;
  $('whoami').textContent = s.client;
  const operator = s.roles.includes('operator');
  $('kill-open').disabled = !operator;
  $('kill-open').title = operator ? '' : 'needs the operator role';
  return s;
}

let refreshTimer;
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    void loadSummary().catch(() => undefined);
  }, 500);
}

async function start() {
  try {
    await loadSummary();
  } catch (e) {
    return askKey(e.status === 401 || e.status === 403 ? 'That key was not accepted.' : e.message);
  }
  const [orders] = await Promise.all([api('/v1/orders'), kill.refresh()]);
  table.load(orders.orders.map(rowFromOrder));
  stream?.close();
  stream = connectStream({
    onState: setConn,
    onMessage: (m) => {
      if (m.type === 'regime') cards.onRegime(m);
      else if (m.type === 'decision') {
        table.add(rowFromEvent(m));
        refreshSoon(); // counters per outcome and rule
      } else if (m.type === 'kill') void kill.refresh();
      else if (m.type === 'policy' || m.type === 'override') void loadSummary();
    },
  });
  clearInterval(pollTimer);
  pollTimer = setInterval(() => void loadSummary().catch(() => setConn('down')), 3000);
}

function askKey(error) {
  $('key-modal').classList.remove('hidden');
  $('key-error').textContent = error ?? '';
  $('key-error').classList.toggle('hidden', !error);
  $('key-input').focus();
}

$('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  setKey($('key-input').value.trim());
  $('key-modal').classList.add('hidden');
  summaryLoaded = false;
  void start();
});
$('change-key').addEventListener('click', () => askKey());
$('drawer-close').addEventListener('click', closeDetail);
document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape') return;
  closeDetail();
  kill.close();
});

if (getKey()) void start();
else askKey();
