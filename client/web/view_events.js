// view_events.js - study groups and seminars by prefecture (`events`),
// with seats taken, the reader's RSVP and a button to answer (`rsvp`), the
// prefecture's help directory, and the calendar feed of the listing
// (/events.ics?region=...). Signed out, the listing is the public one
// (CLEAR events of circles that publish them) and answering needs a
// sign-in.

import { el, field, select } from './dom.js';
import { getLang, label, t } from './i18n.js';
import { PREFECTURE_RE, PREFECTURES } from './places.js';
import { eventFacts, ITEM_ID_RE, placeName, textBlock, tlpBadge } from './render.js';

const AUDIENCES = ['technical', 'executive', 'mixed'];
let lastAudience = '';

function validRegion(r) {
  return r === 'all' || r === 'online' || PREFECTURE_RE.test(r || '');
}

function feedPath(region) {
  return region && region !== 'all' ? `/events.ics?region=${region}` : '/events.ics';
}

function seatsText(entry) {
  const cap = entry.item.event && entry.item.event.capacity;
  const parts = [cap ? t('events.ofCapacity', { n: entry.attending, capacity: cap })
    : t('events.attending', { n: entry.attending })];
  if (entry.waitlisted) parts.push(t('events.waitlisted', { n: entry.waitlisted }));
  return parts.join(' · ');
}

function rsvpText(rsvp) {
  if (!rsvp || rsvp.status === 'none') return t('rsvp.none');
  if (rsvp.status === 'waitlisted') return t('rsvp.waitlisted', { position: rsvp.position });
  return t('rsvp.attending');
}

export function render(ctx, root, [regionParam]) {
  const signedIn = Boolean(ctx.state.token);
  const region = validRegion(regionParam) ? regionParam : '';
  const lang = getLang();
  const regionSel = select({ id: 'event-region' }, [
    ['', t('events.near')],
    ['all', t('events.all')],
    ...PREFECTURES.map((p) => [p[0], lang === 'ja' ? p[1] : p[2]]),
    ['online', t('place.online')],
  ], region);
  const audSel = select({ id: 'event-audience' },
    [['', t('events.audienceAny')], ...AUDIENCES.map((a) => [a, label('audience', a)])], lastAudience);
  const note = el('p', { class: 'muted', id: 'event-guess' });
  const status = el('p', { class: 'form-status', role: 'status', text: t('item.loading') });
  const list = el('ul', { class: 'events', id: 'event-list' });
  const feed = el('div', { class: 'calendar', id: 'calendar' });
  const help = el('section', { class: 'resources', id: 'resources', hidden: true });
  let alive = true;

  regionSel.addEventListener('change', () => ctx.navigate(regionSel.value ? `#/events/${regionSel.value}` : '#/events'));
  audSel.addEventListener('change', () => {
    lastAudience = audSel.value;
    load();
  });

  function drawFeed(shown) {
    const path = feedPath(shown);
    feed.replaceChildren(
      el('h3', { text: t('events.calendar') }),
      el('p', {}, el('a', { href: path, id: 'calendar-link', text: `${window.location.origin}${path}` })),
      el('p', { class: 'muted', text: t('events.calendarHelp') }));
  }

  function drawResources(resources) {
    help.hidden = !Array.isArray(resources) || resources.length === 0;
    if (help.hidden) return;
    help.replaceChildren(el('h3', { text: t('events.resources') }),
      el('ul', { class: 'plain' }, resources.map((r) => el('li', { class: 'resource' },
        el('strong', { text: r.name }), ' ', el('span', { class: 'chip', text: label('rkind', r.kind) }),
        r.description ? el('div', { text: r.description }) : null,
        r.contact ? el('div', { class: 'muted', text: r.contact }) : null,
        r.url ? el('div', { class: 'mono', text: r.url }) : null))));
  }

  function card(entry) {
    const it = entry.item;
    const ev = it.event || {};
    const id = ITEM_ID_RE.test(it.id) ? it.id : null;
    const rsvpLine = el('p', { class: 'rsvp', dataset: { status: entry.rsvp ? entry.rsvp.status : 'none' }, text: signedIn ? rsvpText(entry.rsvp) : t('events.signinToRsvp') });
    const going = entry.rsvp && entry.rsvp.status !== 'none';
    const button = signedIn && id && ev.status !== 'cancelled'
      ? el('button', { type: 'button', class: going ? '' : 'primary', dataset: { action: going ? 'cancel' : 'rsvp' }, text: going ? t('events.cancelRsvp') : t('events.rsvp') })
      : null;
    if (button) {
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await ctx.request(going ? { type: 'rsvp', item_id: id, cancel: true } : { type: 'rsvp', item_id: id });
          await load();
        } catch (e) {
          rsvpLine.textContent = ctx.errorText(e);
          button.disabled = false;
        }
      });
    }
    return el('li', { class: ['event', ev.status === 'cancelled' ? 'cancelled' : null], dataset: { id: id || '' } },
      el('div', { class: 'row-head' }, tlpBadge(it.tlp),
        el('span', { class: 'chip', text: placeName(ev.prefecture) }),
        el('span', { class: 'chip', text: label('audience', ev.audience) }),
        ev.status === 'cancelled' ? el('span', { class: 'chip cancelled', text: t('events.cancelled') }) : null),
      signedIn && id ? el('a', { class: 'title', href: `#/item/${id}`, text: it.title })
        : el('span', { class: 'title', text: it.title }),
      eventFacts(ev),
      it.body ? textBlock(it.body, 'text excerpt') : null,
      el('p', { class: 'seats', text: seatsText(entry) }),
      rsvpLine,
      el('div', { class: 'actions' }, button,
        id ? el('a', { href: `/events/${id}.ics`, download: `${id}.ics`, text: t('events.ics') }) : null));
  }

  async function load() {
    const msg = { type: 'events' };
    if (region) msg.region = region;
    if (audSel.value) msg.audience = audSel.value;
    try {
      const reply = await ctx.request(msg);
      if (!alive) return;
      list.replaceChildren(...reply.events.map(card));
      status.textContent = reply.events.length ? '' : t('events.empty');
      note.textContent = reply.region_guessed && reply.region
        ? t('events.guessed', { place: placeName(reply.region) }) : '';
      drawFeed(region || (reply.region_guessed ? reply.region : 'all'));
      drawResources(reply.resources);
    } catch (e) {
      if (alive) status.textContent = ctx.errorText(e);
    }
  }

  root.append(el('section', { class: 'panel' },
    el('h1', { text: t('events.title') }),
    el('p', { class: 'muted', text: t('events.help') }),
    el('div', { class: 'toolbar' }, field(t('events.region'), regionSel), field(t('event.audience'), audSel)),
    note, status, list, help, feed));
  drawFeed(region || 'all');
  load();
  const onNotice = () => load();
  ctx.bus.addEventListener('notice', onNotice);
  return () => {
    alive = false;
    ctx.bus.removeEventListener('notice', onNotice);
  };
}
