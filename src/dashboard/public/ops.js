// Kill switch (state + a confirmed, operator-named control), counters, overrides, versions.
import { api } from './api.js';
import { $, clear, dateTimeUtc, h, shortSha, timeUtc, toast } from './dom.js';

const scopeText = (s) => (s.type === 'all' ? 'all trading' : `${s.type} ${s.value}`);

export class KillPanel {
  constructor({ values }) {
    this.values = values; // () => { client: [...], symbol: [...], venue: [...], account: [...] }
    this.kills = [];
    this.mode = 'kill';
    this.liftScope = null;
    $('kill-open').addEventListener('click', () => this.open('kill'));
    $('kill-cancel').addEventListener('click', () => this.close());
    $('kill-scope').addEventListener('change', () => this.syncForm());
    for (const id of ['kill-value', 'kill-reason', 'kill-operator', 'kill-confirm'])
      $(id).addEventListener('input', () => this.syncForm());
    $('kill-confirm').addEventListener('change', () => this.syncForm());
    $('kill-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    $('kill-operator').value = sessionStorage.getItem('liqguard.operator') ?? '';
  }
  async refresh() {
    const r = await api('/v1/kill');
    this.render(r.kills);
  }
  render(kills) {
    this.kills = kills;
    const on = kills.length > 0;
    const badge = $('kill-badge');
    badge.className = `kill-badge ${on ? 'on' : 'ok'}`;
    badge.textContent = on ? `KILL SWITCH ON · ${kills.length} scope${kills.length > 1 ? 's' : ''}` : 'TRADING ACTIVE';
    const state = $('kill-state');
    state.className = `kill-state ${on ? 'on' : 'off'}`;
    state.textContent = on
      ? 'Kill switch in force: new orders in these scopes are refused.'
      : 'No kill switch in force.';
    const list = clear($('kill-list'));
    for (const k of kills) {
      list.append(
        h(
          'li',
          { dataset: { scope: k.key } },
          h(
            'span',
            {},
            h('b', {}, scopeText(k.scope)),
            ' ',
            h('span', { class: 'muted' }, k.source === 'kill' ? '' : `${k.state} · latched by a rule`),
            h('br'),
            h('span', { class: 'muted' }, `${k.operator} · ${dateTimeUtc(k.since)}`),
            h('br'),
            h('span', {}, k.reason),
          ),
          k.source === 'kill'
            ? h('button', { class: 'small', type: 'button', onclick: () => this.open('lift', k.scope) }, 'Lift…')
            : null,
        ),
      );
    }
  }
  open(mode, scope) {
    this.mode = mode;
    this.liftScope = scope ?? null;
    const lift = mode === 'lift';
    $('kill-title').textContent = lift ? `Lift the kill switch: ${scopeText(scope)}` : 'Engage the kill switch';
    $('kill-warning').textContent = lift
      ? 'Trading resumes in this scope as soon as you confirm. The lift is audited with your name.'
      : 'New orders in this scope are refused and working orders are cancelled at the venue. It stays in force, across restarts, until an operator lifts it.';
    $('kill-scope-row').classList.toggle('hidden', lift);
    $('kill-confirm-text').textContent = lift
      ? 'I confirm: resume trading in this scope.'
      : 'I confirm: stop trading in this scope now.';
    $('kill-submit').textContent = lift ? 'Lift kill switch' : 'Engage kill switch';
    $('kill-submit').className = lift ? 'primary' : 'danger';
    $('kill-reason').value = '';
    $('kill-confirm').checked = false;
    $('kill-error').classList.add('hidden');
    const dl = clear($('kill-values'));
    const vals = this.values();
    for (const v of vals[$('kill-scope').value] ?? []) dl.append(h('option', { value: v }));
    $('kill-modal').classList.remove('hidden');
    this.syncForm();
    ($('kill-operator').value ? $('kill-reason') : $('kill-operator')).focus();
  }
  close() {
    $('kill-modal').classList.add('hidden');
  }
  syncForm() {
    const type = $('kill-scope').value;
    const lift = this.mode === 'lift';
    $('kill-value-label').classList.toggle('hidden', lift || type === 'all');
    const dl = clear($('kill-values'));
    for (const v of this.values()[type] ?? []) dl.append(h('option', { value: v }));
    const needsValue = !lift && type !== 'all';
    const ok =
      $('kill-confirm').checked &&
      $('kill-operator').value.trim().length > 0 &&
      (lift || $('kill-reason').value.trim().length >= 3) &&
      (!needsValue || $('kill-value').value.trim().length > 0);
    $('kill-submit').disabled = !ok;
  }
  async submit() {
    const operator = $('kill-operator').value.trim();
    sessionStorage.setItem('liqguard.operator', operator);
    const reason = $('kill-reason').value.trim();
    try {
      if (this.mode === 'lift') {
        await api('/v1/kill', {
          method: 'DELETE',
          body: { scope: this.liftScope, operator, ...(reason ? { reason } : {}) },
        });
        toast(`Kill switch lifted: ${scopeText(this.liftScope)}`);
      } else {
        const type = $('kill-scope').value;
        const scope = type === 'all' ? { type } : { type, value: $('kill-value').value.trim() };
        const r = await api('/v1/kill', { method: 'POST', body: { scope, reason, operator } });
        toast(`Kill switch engaged for ${scopeText(scope)}: ${r.cancelled} working order(s) cancelled`);
      }
      this.close();
      await this.refresh();
    } catch (e) {
      const err = $('kill-error');
      err.textContent =
        e.status === 403
          ? `Not allowed: ${e.message}`
          : `${e.code}: ${e.message}${e.details?.length ? ' (' + e.details.map((d) => d.path + ' ' + d.message).join('; ') + ')' : ''}`;
      err.classList.remove('hidden');
    }
  }
}

export function renderVersions(v, instance) {
  $('model-version').textContent =
    `${v.model.id} · ${shortSha(v.model.sha256)}${v.model.kind === 'baseline' ? ' (baseline)' : ''}`;
  $('policy-version').textContent =
    `${v.policy.id}${v.policy.version !== undefined ? ' v' + v.policy.version : ''} · ${shortSha(v.policy.sha256)}`;
  $('shadow-tag').classList.toggle('hidden', !v.shadowPolicy);
  if (v.shadowPolicy) $('shadow-version').textContent = `${v.shadowPolicy.id} · ${shortSha(v.shadowPolicy.sha256)}`;
  $('instance').textContent = instance ?? '';
}

export function renderCounters(c) {
  $('total-count').textContent = String(c.total);
  const out = clear($('outcomes'));
  for (const k of ['accept', 'modify', 'split', 'deny'])
    out.append(
      h(
        'div',
        { class: `outcome ${k}`, dataset: { outcome: k } },
        h('b', {}, String(c.outcomes[k] ?? 0)),
        h('span', {}, k),
      ),
    );
  const body = clear($('rules').querySelector('tbody'));
  for (const r of c.rules) {
    const outs = Object.entries(r.outcomes)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ');
    body.append(
      h(
        'tr',
        { dataset: { rule: r.ruleId } },
        h('td', { class: 'mono' }, r.ruleId),
        h('td', {}, r.mode),
        h('td', { class: 'num' }, String(r.matched)),
        h('td', { class: 'muted' }, outs || '—'),
      ),
    );
  }
  if (!c.rules.length) body.append(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'no decisions yet')));
}

export function renderOverrides(list, privileged) {
  const ul = clear($('overrides'));
  if (!privileged) return ul.append(h('li', { class: 'muted' }, 'visible to operators and compliance'));
  if (!list.length) return ul.append(h('li', { class: 'muted' }, 'none pending or active'));
  for (const o of list) {
    ul.append(
      h(
        'li',
        {},
        h(
          'span',
          {},
          h('b', {}, o.ruleId),
          ` · ${o.scope.type === 'all' ? 'all' : o.scope.type + ' ' + o.scope.value}`,
          h('br'),
          h(
            'span',
            { class: 'muted' },
            `${o.state} · by ${o.requestedBy}${o.approvals.length ? ', approved by ' + o.approvals.map((a) => a.by).join(', ') : ''}${o.expiresAt ? ' · until ' + timeUtc(o.expiresAt) : ''}`,
          ),
        ),
        h('span', { class: `pill ${o.state === 'active' ? 'fragile' : 'unknown'}` }, o.state),
      ),
    );
  }
}
