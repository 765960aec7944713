// The agent's own state: available or one of the named breaks, with how long it has been so.
// A supervisor's pause shows here too (the agent cannot lift it).

import { api } from '../../lib/api.js';
import { h, replace, toast, errorText } from '../../lib/dom.js';
import { t, formatDuration, formatTime } from '../../lib/i18n.js';

const badges = { free: 'badge-success', busy: 'badge-info', break_free: 'badge-warning', break_busy: 'badge-warning', disconnected: 'badge-danger' };

export class StateSwitch {
  constructor() {
    this.agent = null;
    this.breaks = [];
    this.select = h('select', { 'data-testid': 'state-select', onchange: () => this.change() });
    this.badge = h('span', { class: 'badge', 'data-testid': 'agent-state' });
    this.since = h('span', { class: 'small muted state-since' });
    this.el = h('div', { class: 'state-switch' },
      h('label', { class: 'state-label' }, h('span', {}, t('desk.state.label')), this.select),
      h('span', { role: 'status', class: 'state-now' }, this.badge, ' ', this.since));
    this.timer = setInterval(() => this.tick(), 1000);
  }

  destroy() {
    clearInterval(this.timer);
  }

  /** `agent`: the desk's figures (or an `agent.state` event); `breaks`: named breaks. */
  update(agent, breaks) {
    if (breaks) this.breaks = breaks;
    this.agent = agent;
    this.draw();
  }

  draw() {
    const a = this.agent;
    const onBreak = a && (a.state?.startsWith('break') || a.presence === 'break');
    const breakName = a?.break_name ?? a?.break ?? null;
    replace(this.select,
      h('option', { value: 'available', selected: !onBreak }, t('desk.state.available')),
      h('optgroup', { label: t('desk.state.breaks') },
        this.breaks.map((b) => h('option', { value: `break:${b.name}`, selected: onBreak && breakName === b.name }, b.name))));
    this.select.disabled = !a;
    if (!a) {
      this.badge.className = 'badge badge-danger';
      this.badge.textContent = t('desk.state.not_member');
      this.since.textContent = '';
      return;
    }
    const key = a.paused ? 'paused' : a.state;
    this.badge.className = `badge ${a.paused ? 'badge-danger' : badges[a.state] || ''}`;
    this.badge.textContent = [t(`desk.state.${key}`), onBreak && breakName ? breakName : null].filter(Boolean).join(' · ');
    this.tick();
  }

  tick() {
    if (!this.agent?.since_ms) return;
    const seconds = (Date.now() - this.agent.since_ms) / 1000;
    this.since.textContent = t('desk.state.since', { time: formatTime(this.agent.since_ms), duration: formatDuration(seconds) });
  }

  async change() {
    const value = this.select.value;
    const body = value === 'available' ? { state: 'available' } : { state: 'break', break_name: value.slice('break:'.length) };
    try {
      await api.post('/api/v1/desk/state', body);
    } catch (error) {
      toast(errorText(error), 'error');
      this.draw();
    }
  }
}
