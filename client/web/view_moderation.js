// view_moderation.js - the pending queue of the circles the reader
// moderates (`moderation`), each item in full, approved or rejected with
// an optional reason (`moderate`). The hub decides who is a moderator;
// this view only offers the circles where `circles` says so.

import { el, field, select } from './dom.js';
import { label, t } from './i18n.js';
import { ITEM_ID_RE, itemView } from './render.js';

let lastCircle = null;

export function render(ctx, root) {
  const mine = ctx.state.circles.filter((c) => c.role === 'moderator');
  const panel = el('section', { class: 'panel' }, el('h1', { text: t('moderation.title') }),
    el('p', { class: 'muted', text: t('moderation.help') }));
  root.append(panel);
  if (mine.length === 0) {
    panel.append(el('p', { class: 'muted', text: t('moderation.none') }));
    return null;
  }
  const start = mine.some((c) => c.circle === lastCircle) ? lastCircle : mine[0].circle;
  const circleSel = select({ id: 'moderation-circle' }, mine.map((c) => [c.circle, c.circle]), start);
  const status = el('p', { class: 'form-status', role: 'status', id: 'moderation-status' });
  const list = el('ul', { class: 'queue', id: 'moderation-list' });
  let alive = true;

  function entry(item) {
    const id = ITEM_ID_RE.test(item.id) ? item.id : null;
    const reason = el('input', { name: 'reason', maxlength: 1000 });
    const decide = async (decision, buttons) => {
      for (const b of buttons) b.disabled = true;
      const msg = { type: 'moderate', item_id: id, decision };
      if (reason.value.trim()) msg.reason = reason.value.trim();
      try {
        const r = await ctx.request(msg);
        status.textContent = t('moderation.done', { id: r.item_id, status: label('status', r.status) });
        await load();
      } catch (e) {
        status.textContent = ctx.errorText(e);
        for (const b of buttons) b.disabled = false;
      }
    };
    const approve = el('button', { type: 'button', class: 'primary', dataset: { action: 'approve' }, text: t('moderation.approve') });
    const reject = el('button', { type: 'button', class: 'danger', dataset: { action: 'reject' }, text: t('moderation.reject') });
    approve.addEventListener('click', () => decide('approve', [approve, reject]));
    reject.addEventListener('click', () => decide('reject', [approve, reject]));
    return el('li', { class: 'queue-entry', dataset: { id: id || '' } },
      itemView(item),
      id ? el('div', { class: 'decide' }, field(t('moderation.reason'), reason),
        el('div', { class: 'actions' }, approve, reject)) : null);
  }

  async function load() {
    lastCircle = circleSel.value;
    try {
      const reply = await ctx.request({ type: 'moderation', circle: circleSel.value });
      if (!alive) return;
      list.replaceChildren(...reply.items.map(entry));
      if (reply.items.length === 0) list.append(el('li', { class: 'muted', text: t('moderation.empty') }));
    } catch (e) {
      if (alive) status.textContent = ctx.errorText(e);
    }
  }

  circleSel.addEventListener('change', () => {
    status.textContent = '';
    load();
  });
  panel.append(el('div', { class: 'toolbar' }, field(t('reports.circle'), circleSel)), status, list);
  load();
  return () => {
    alive = false;
  };
}
