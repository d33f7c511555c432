// render.js - items as the page shows them: TLP badges, list rows and the
// full view of one item. Every value from the hub goes into the page as
// text (dom.js); class names come from fixed tables, never from data.

import { el } from './dom.js';
import { getLang, label, locale, t } from './i18n.js';
import { prefectureName } from './places.js';

// FIRST TLP 2.0 colours (on black): see app.css.
const TLP_CLASS = {
  CLEAR: 'tlp-clear',
  GREEN: 'tlp-green',
  AMBER: 'tlp-amber',
  'AMBER+STRICT': 'tlp-amber',
  RED: 'tlp-red',
};
const SEVERITY_CLASS = {
  info: 'sev-info',
  low: 'sev-low',
  medium: 'sev-medium',
  high: 'sev-high',
  critical: 'sev-critical',
};
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
export const KINDS = ['threat', 'practice', 'alert', 'event'];
export const ITEM_ID_RE = /^it_[0-9a-f]{16}$/;

export function tlpBadge(tlp) {
  return el('span', {
    class: ['tlp', TLP_CLASS[tlp] || 'tlp-unknown'],
    title: t('item.tlpHelp'),
    text: `TLP:${tlp}`,
  });
}

export function severityChip(severity) {
  return el('span', {
    class: ['chip', SEVERITY_CLASS[severity] || 'sev-unknown'],
    text: label('severity', severity),
  });
}

export function kindChip(kind) {
  return el('span', { class: 'chip kind', text: label('kind', kind) });
}

// A UTC time from the hub ("2026-11-21T22:00:00Z") in the reader's locale and zone.
export function formatTime(utc) {
  const d = new Date(utc);
  if (Number.isNaN(d.getTime())) return String(utc);
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// An event's local time in its own zone, e.g. "2027年2月10日 18:30 (Asia/Tokyo)".
export function formatEventTime(utc, zone, local) {
  const d = new Date(utc);
  try {
    if (Number.isNaN(d.getTime())) throw new Error('bad time');
    const f = new Intl.DateTimeFormat(locale(), {
      dateStyle: 'full', timeStyle: 'short', timeZone: zone,
    });
    return `${f.format(d)} (${zone})`;
  } catch (e) {
    return `${local || utc} (${zone})`;
  }
}

export function placeName(code) {
  if (code === 'online') return t('place.online');
  return prefectureName(code, getLang());
}

function dl(rows) {
  const list = el('dl', { class: 'facts' });
  for (const [name, value] of rows) {
    if (value === undefined || value === null || value === '') continue;
    list.append(el('dt', { text: name }), el('dd', {}, value));
  }
  return list;
}

// A block of text as written: line breaks kept by CSS (white-space: pre-wrap).
export function textBlock(text, cls = 'text') {
  return el('div', { class: cls, text: text ?? '' });
}

function list(values) {
  if (!Array.isArray(values) || values.length === 0) return null;
  return el('ul', { class: 'plain' }, values.map((v) => el('li', { text: v })));
}

function tags(values) {
  if (!Array.isArray(values) || values.length === 0) return null;
  return el('span', { class: 'tags' }, values.map((v) => el('span', { class: 'tag', text: v })));
}

function profileText(p) {
  if (!p || typeof p !== 'object') return null;
  const parts = [];
  if (p.industry) parts.push(label('industry', p.industry));
  if (p.size) parts.push(p.size);
  if (p.region) parts.push(label('region', p.region));
  return parts.join(' · ');
}

// A row of a list: badge, kind, title (a link to the item), circle, time.
export function itemRow(item, extra) {
  const id = ITEM_ID_RE.test(item.id) ? item.id : null;
  const title = id
    ? el('a', { class: 'title', href: `#/item/${id}`, text: item.title })
    : el('span', { class: 'title', text: item.title });
  return el('li', { class: 'item-row', dataset: { kind: item.kind } },
    el('div', { class: 'row-head' },
      tlpBadge(item.tlp),
      kindChip(item.kind),
      item.kind === 'alert' && item.alert ? severityChip(item.alert.severity) : null,
      item.status && item.status !== 'published'
        ? el('span', { class: 'chip status', text: label('status', item.status) }) : null,
      extra || null),
    title,
    el('div', { class: 'row-meta' },
      el('span', { text: item.circle }),
      item.created ? el('time', { datetime: item.created, text: formatTime(item.created) }) : null));
}

function indicatorTable(indicators, correlation) {
  if (!Array.isArray(indicators) || indicators.length === 0) {
    return el('p', { class: 'muted', text: t('item.noIndicators') });
  }
  const also = new Map();
  for (const c of Array.isArray(correlation) ? correlation : []) {
    if (c && Number.isInteger(c.index) && Number.isInteger(c.also_in)) also.set(c.index, c.also_in);
  }
  const body = el('tbody');
  indicators.forEach((ind, i) => {
    const notes = [];
    if (ind.benign) notes.push(el('span', { class: 'chip benign', text: t('item.benign', { reason: ind.benign }) }));
    if (also.has(i)) notes.push(el('span', { class: 'chip', text: t('item.alsoIn', { n: also.get(i) }) }));
    const geo = ind.geo ? [ind.geo.country, ind.geo.asn ? `AS${ind.geo.asn}` : null, ind.geo.as_org]
      .filter(Boolean).join(' ') : '';
    body.append(el('tr', {},
      el('td', { text: ind.type }),
      el('td', { class: 'mono', text: ind.value }, notes.length ? el('div', {}, notes) : null),
      el('td', { text: label('irole', ind.role) }),
      el('td', { text: geo })));
  });
  return el('table', { class: 'indicators' },
    el('thead', {}, el('tr', {},
      el('th', { text: t('item.type') }), el('th', { text: t('item.value') }),
      el('th', { text: t('item.role') }), el('th', { text: t('item.geo') }))),
    body);
}

function alertPart(a) {
  if (!a) return null;
  return el('section', { class: 'part' },
    dl([
      [t('alert.severity'), severityChip(a.severity)],
      [t('alert.references'), list(a.references)],
      [t('alert.products'), list(a.affected_products)],
      [t('alert.action'), a.recommended_action ? textBlock(a.recommended_action) : null],
    ]));
}

function practicePart(p) {
  if (!p) return null;
  return el('section', { class: 'part' },
    dl([
      [t('practice.directive'), t('practice.directiveN', { n: p.directive })],
      [t('practice.industry'), label('industry', p.industry)],
      [t('practice.size'), p.size_band],
      [t('practice.readers'), Array.isArray(p.readers) ? p.readers.map((r) => label('readers', r)).join('、') : null],
      [t('practice.level'), p.level !== undefined ? String(p.level) : null],
      [t('practice.situation'), textBlock(p.situation)],
      [t('practice.steps'), textBlock(p.steps)],
      [t('practice.outcome'), textBlock(p.outcome)],
      [t('practice.references'), list(p.references)],
    ]));
}

export function eventFacts(ev) {
  if (!ev) return null;
  const seats = ev.capacity ? String(ev.capacity) : t('event.unlimited');
  return dl([
    [t('event.status'), ev.status === 'cancelled'
      ? el('span', { class: 'chip cancelled', text: label('estatus', ev.status) }) : label('estatus', ev.status)],
    [t('event.cancelReason'), ev.cancel_reason],
    [t('event.start'), formatEventTime(ev.start_utc, ev.timezone, ev.start)],
    [t('event.end'), formatEventTime(ev.end_utc, ev.timezone, ev.end)],
    [t('event.prefecture'), placeName(ev.prefecture)],
    [t('event.venue'), ev.venue],
    [t('event.audience'), label('audience', ev.audience)],
    [t('event.capacity'), seats],
    [t('event.fee'), ev.fee],
    [t('event.cpe'), ev.cpe_credits !== undefined ? String(ev.cpe_credits) : null],
    [t('event.language'), ev.language],
    [t('event.deadline'), ev.registration_deadline_utc
      ? formatEventTime(ev.registration_deadline_utc, ev.timezone, ev.registration_deadline) : null],
    [t('event.organizer'), ev.organizer],
    [t('event.contact'), ev.contact],
  ]);
}

// The whole item: header, facts, text, kind-specific parts, indicators.
export function itemView(item, correlation) {
  return el('article', { class: 'item' },
    el('header', { class: 'item-head' },
      el('div', { class: 'row-head' },
        tlpBadge(item.tlp), kindChip(item.kind),
        item.alert ? severityChip(item.alert.severity) : null,
        item.status && item.status !== 'published'
          ? el('span', { class: 'chip status', text: label('status', item.status) }) : null),
      el('h2', { class: 'item-title', text: item.title })),
    dl([
      [t('item.circle'), item.circle],
      [t('item.created'), item.created ? formatTime(item.created) : null],
      [t('item.pseudonym'), item.pseudonym],
      [t('item.profile'), profileText(item.profile)],
      [t('item.authorOrg'), item.author_org],
      [t('item.recipients'), Array.isArray(item.recipients) ? item.recipients.join(', ') : null],
      [t('item.tags'), tags(item.tags)],
    ]),
    item.forwarded_from ? el('p', { class: 'muted', text: t('item.forwardedFrom', { id: item.forwarded_from }) }) : null,
    item.event ? el('section', { class: 'part' }, eventFacts(item.event)) : null,
    textBlock(item.body, 'text body'),
    alertPart(item.alert),
    practicePart(item.practice),
    item.kind !== 'event' || (item.indicators && item.indicators.length)
      ? el('section', { class: 'part' }, el('h3', { text: t('item.indicators') }),
        indicatorTable(item.indicators, correlation))
      : null);
}
