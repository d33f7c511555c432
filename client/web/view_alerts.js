// view_alerts.js - the live alert feed: the alerts of every circle of the
// reader at or above a chosen severity, newest first, arriving as the hub
// pushes them (one subscription with filter {kinds: [alert],
// min_severity}, made by app.js; changing the severity subscribes anew).

import { el, field, select } from './dom.js';
import { label, t } from './i18n.js';
import { itemRow, SEVERITIES, textBlock } from './render.js';

export function render(ctx, root) {
  const list = el('ul', { class: 'items alerts', id: 'alert-list', 'aria-live': 'polite' });
  const empty = el('p', { class: 'muted', id: 'alert-empty', text: t('alerts.empty') });
  const options = [['', t('alerts.any')], ...SEVERITIES.map((s) => [s, label('severity', s)])];
  const sev = select({ id: 'min-severity' }, options, ctx.state.alertSeverity);
  const status = el('p', { class: 'form-status', role: 'status' });

  sev.addEventListener('change', async () => {
    status.textContent = '';
    try {
      await ctx.subscribeAlerts(sev.value);
    } catch (e) {
      status.textContent = ctx.errorText(e);
    }
  });

  function draw() {
    list.replaceChildren();
    for (const { item, live } of ctx.state.alerts) {
      const row = itemRow(item, live ? el('span', { class: 'chip new', text: t('alerts.new') }) : null);
      if (live) row.classList.add('live');
      if (item.body) row.append(textBlock(item.body, 'text excerpt'));
      if (item.alert && item.alert.recommended_action) {
        row.append(el('p', { class: 'action' },
          el('strong', { text: `${t('alert.action')}: ` }), item.alert.recommended_action));
      }
      list.append(row);
    }
    empty.hidden = ctx.state.alerts.length > 0;
  }

  root.append(el('section', { class: 'panel' },
    el('h1', { text: t('alerts.title') }),
    el('p', { class: 'muted', text: t('alerts.help') }),
    el('div', { class: 'toolbar' }, field(t('alerts.minSeverity'), sev)),
    status, empty, list));
  draw();
  const onAlerts = () => draw();
  ctx.bus.addEventListener('alerts', onAlerts);
  return () => ctx.bus.removeEventListener('alerts', onAlerts);
}
