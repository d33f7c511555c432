// view_item.js - one item (`get`), as the read gate hands it to this
// reader. An item the reader may not read is "not allowed" (forbidden) and
// shows nothing of it; an unknown id is "not found".

import { el } from './dom.js';
import { HubError } from './hub.js';
import { t } from './i18n.js';
import { itemView } from './render.js';

export function render(ctx, root, [id]) {
  const box = el('section', { class: 'panel', id: 'item-view', 'aria-busy': 'true' },
    el('p', { class: 'muted', text: t('item.loading') }));
  root.append(el('p', {}, el('a', { href: '#/reports', text: t('item.back') })), box);
  let alive = true;
  ctx.request({ type: 'get', item_id: id }).then((reply) => {
    if (!alive) return;
    box.replaceChildren(itemView(reply.item, reply.correlation));
    if (reply.item.kind === 'event') {
      box.append(el('p', {}, el('a', { href: `/events/${reply.item.id}.ics`, download: `${reply.item.id}.ics`, text: t('events.ics') })));
    }
    box.setAttribute('aria-busy', 'false');
  }, (e) => {
    if (!alive) return;
    let text = ctx.errorText(e);
    let cls = 'error';
    if (e instanceof HubError && e.code === 'forbidden') {
      text = t('item.notAllowed');
      cls = 'denied';
    } else if (e instanceof HubError && e.code === 'not_found') {
      text = t('item.notFound');
    }
    box.replaceChildren(el('p', { class: ['notice', cls], id: 'item-error', text }));
    box.setAttribute('aria-busy', 'false');
  });
  return () => {
    alive = false;
  };
}
