// view_reports.js - a circle's items (history), newest first, with their
// TLP badges; a kind filter; each title opens the item (#/item/ID).

import { el, field, select } from './dom.js';
import { label, t } from './i18n.js';
import { itemRow, KINDS } from './render.js';

const SHOW = 200; // the newest items shown
const PAGE = 500;
const MAX_PAGES = 20;
let lastKind = '';

// Every item of the circle the reader may read, oldest first, following
// next/more (at most MAX_PAGES pages), keeping the newest SHOW.
async function newest(ctx, circle) {
  let since = 0;
  let items = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const h = await ctx.request({ type: 'history', circle, since, limit: PAGE });
    items = items.concat(h.items).slice(-SHOW);
    if (!h.more || h.next <= since) break;
    since = h.next;
  }
  return items.reverse();
}

export function render(ctx, root, [circleParam]) {
  const circles = ctx.state.circles;
  const panel = el('section', { class: 'panel' }, el('h1', { text: t('reports.title') }));
  root.append(panel);
  if (circles.length === 0) {
    panel.append(el('p', { class: 'muted', text: t('reports.noCircles') }));
    return null;
  }
  const known = circles.find((c) => c.circle === circleParam);
  const circle = known ? known.circle : circles[0].circle;
  const circleSel = select({ id: 'report-circle' },
    circles.map((c) => [c.circle, `${c.circle} (${label('role', c.role)})`]), circle);
  const kindSel = select({ id: 'report-kind' },
    [['', t('reports.allKinds')], ...KINDS.map((k) => [k, label('kind', k)])], lastKind);
  const list = el('ul', { class: 'items', id: 'report-list' });
  const status = el('p', { class: 'form-status', role: 'status', text: t('item.loading') });
  let items = [];
  let alive = true;

  function draw() {
    list.replaceChildren();
    const shown = items.filter((it) => !kindSel.value || it.kind === kindSel.value);
    for (const it of shown) list.append(itemRow(it));
    status.textContent = shown.length ? t('reports.newest', { n: shown.length }) : t('reports.empty');
  }

  circleSel.addEventListener('change', () => ctx.navigate(`#/reports/${encodeURIComponent(circleSel.value)}`));
  kindSel.addEventListener('change', () => {
    lastKind = kindSel.value;
    draw();
  });
  panel.append(el('div', { class: 'toolbar' },
    field(t('reports.circle'), circleSel), field(t('reports.kind'), kindSel)), status, list);

  newest(ctx, circle).then((got) => {
    if (!alive) return;
    items = got;
    draw();
  }, (e) => {
    if (alive) status.textContent = ctx.errorText(e);
  });
  return () => {
    alive = false;
  };
}
