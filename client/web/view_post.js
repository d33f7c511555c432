// view_post.js - writing an item, previewing it and posting it.
//
// "Preview" sends `post` with preview: true: the hub answers with exactly
// what recipients would receive and every removal (the author's own text,
// with byte offsets). The page shows the author's text with the removed
// parts highlighted, the item as recipients will see it, and the list of
// removals. "Confirm and post" then sends the very same item without
// preview; any change to the form after the preview withdraws the
// confirmation until the next preview.

import { el, field, select } from './dom.js';
import { getLang, label, t } from './i18n.js';
import { segments } from './highlight.js';
import { PREFECTURES } from './places.js';
import { itemView, KINDS, SEVERITIES } from './render.js';

const INDUSTRIES = ['agriculture', 'construction', 'manufacturing', 'energy', 'it-telecom', 'transport',
  'retail', 'finance', 'real-estate', 'services', 'hospitality', 'healthcare', 'education', 'government',
  'other'];
const SIZE_BANDS = ['1–49', '50–99', '100–299', '300–499', '500–999', '1,000–4,999', '5,000+'];
const READERS = ['executives', 'ciso', 'staff'];
const AUDIENCES = ['technical', 'executive', 'mixed'];
const ROLES = ['attacker', 'victim', 'unknown'];
// Text fields whose removals the preview reports with byte offsets.
const TEXT_FIELDS = [
  ['title', (i) => i.title],
  ['body', (i) => i.body],
  ['recommended_action', (i) => i.alert && i.alert.recommended_action],
  ['situation', (i) => i.practice && i.practice.situation],
  ['steps', (i) => i.practice && i.practice.steps],
  ['outcome', (i) => i.practice && i.practice.outcome],
  ['venue', (i) => i.event && i.event.venue],
  ['organizer', (i) => i.event && i.event.organizer],
  ['contact', (i) => i.event && i.event.contact],
  ['fee', (i) => i.event && i.event.fee],
];

// The form's values survive re-rendering (language switch, reconnect).
let draft = {};

function lines(text) {
  return String(text || '').split('\n').map((s) => s.trim()).filter(Boolean);
}

function commaList(text) {
  return String(text || '').split(/[,、，]/).map((s) => s.trim()).filter(Boolean);
}

// The item the form describes, or {error}.
export function buildItem(v) {
  const item = { kind: v.kind, circle: v.circle, tlp: v.tlp, title: v.title || '', body: v.body || '' };
  const tags = commaList(v.tags);
  if (tags.length) item.tags = tags;
  const inds = [];
  const rows = String(v.indicators || '').split('\n');
  for (let i = 0; i < rows.length; i++) {
    const parts = rows[i].trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) continue;
    if (parts.length < 2 || parts.length > 3) return { error: t('post.badIndicator', { n: i + 1 }) };
    const ind = { type: parts[0], value: parts[1] };
    if (parts[2]) ind.role = parts[2];
    inds.push(ind);
  }
  if (inds.length) item.indicators = inds;
  if (v.tlp === 'RED') item.recipients = commaList(v.recipients);
  if (v.kind === 'alert') {
    item.alert = { severity: v.severity || 'medium' };
    if (v.action) item.alert.recommended_action = v.action;
    if (lines(v.references).length) item.alert.references = lines(v.references);
    if (lines(v.products).length) item.alert.affected_products = lines(v.products);
  } else if (v.kind === 'practice') {
    item.practice = {
      directive: Number(v.directive || 1),
      industry: v.industry || 'other',
      readers: READERS.filter((r) => v[`reader_${r}`]),
      level: Number(v.level || 1),
      situation: v.situation || '',
      steps: v.steps || '',
      outcome: v.outcome || '',
    };
    if (v.size_band) item.practice.size_band = v.size_band;
    if (lines(v.references).length) item.practice.references = lines(v.references);
  } else if (v.kind === 'event') {
    item.event = {
      prefecture: v.prefecture || 'JP-13',
      start: v.start || '',
      end: v.end || '',
      audience: v.audience || 'mixed',
    };
    for (const k of ['venue', 'fee', 'organizer', 'contact']) if (v[k]) item.event[k] = v[k];
    if (v.capacity) item.event.capacity = Number(v.capacity);
    if (v.cpe) item.event.cpe_credits = Number(v.cpe);
    if (v.deadline) item.event.registration_deadline = v.deadline;
  }
  return { item };
}

function highlighted(text, removed, fieldName) {
  const box = el('div', { class: 'text highlighted', dataset: { field: fieldName } });
  for (const seg of segments(text, removed, fieldName)) {
    if (seg.kind === null) box.append(seg.text);
    else box.append(el('mark', { class: 'removed', title: label('redaction', seg.kind), text: seg.text }));
  }
  return box;
}

function previewPanel(item, reply) {
  const removed = Array.isArray(reply.removed) ? reply.removed : [];
  const yours = el('div', { class: 'yours' });
  for (const [name, get] of TEXT_FIELDS) {
    const text = get(item);
    if (!text) continue;
    yours.append(el('h4', { text: label('field', name) }), highlighted(text, removed, name));
  }
  if (Array.isArray(item.indicators) && item.indicators.length) {
    const gone = new Set(removed.filter((r) => r.field === 'indicators').map((r) => r.offset));
    yours.append(el('h4', { text: label('field', 'indicators') }),
      el('ul', { class: 'plain mono' }, item.indicators.map((ind, i) => (gone.has(i)
        ? el('li', {}, el('del', { class: 'removed', text: `${ind.type} ${ind.value}` }))
        : el('li', { text: `${ind.type} ${ind.value}` })))));
  }
  const table = removed.length === 0
    ? el('p', { class: 'muted', id: 'removed-none', text: t('post.nothingRemoved') })
    : el('table', { class: 'removed-list', id: 'removed-list' },
      el('thead', {}, el('tr', {}, el('th', { text: t('post.removedKind') }),
        el('th', { text: t('post.removedField') }), el('th', { text: t('post.removedText') }))),
      el('tbody', {}, removed.map((r) => el('tr', {},
        el('td', { text: label('redaction', r.kind) }),
        el('td', {
          text: r.field === 'indicators'
            ? `${label('field', r.field)} (${t('post.removedIndicator', { n: (r.offset ?? 0) + 1 })})`
            : label('field', r.field),
        }),
        el('td', { class: 'mono', text: r.original })))));
  return el('section', { class: 'panel preview', id: 'preview' },
    el('h2', { text: t('post.previewTitle') }),
    el('div', { class: 'columns' },
      el('div', {}, el('h3', { text: t('post.yourText') }), yours),
      el('div', {}, el('h3', { text: t('post.recipientsSee') }), itemView(reply.item))),
    el('h3', { text: t('post.removedList') }), table);
}

export function render(ctx, root) {
  const circles = ctx.state.circles.filter((c) => c.role !== 'observer');
  const panel = el('section', { class: 'panel' }, el('h1', { text: t('post.title') }),
    el('p', { class: 'muted', text: t('post.help') }));
  root.append(panel);
  if (circles.length === 0) {
    panel.append(el('p', { class: 'muted', text: t('post.noCircle') }));
    return null;
  }
  const lang = getLang();
  const v = (name, fallback = '') => (name in draft ? draft[name] : fallback);
  const input = (name, props = {}) => el('input', { name, id: `post-${name}`, value: v(name), ...props });
  const area = (name, rows = 4) => el('textarea', { name, id: `post-${name}`, rows, value: v(name) });

  const circleSel = select({ name: 'circle', id: 'post-circle' },
    circles.map((c) => [c.circle, c.circle]), v('circle', circles[0].circle));
  const kindSel = select({ name: 'kind', id: 'post-kind' }, KINDS.map((k) => [k, label('kind', k)]), v('kind', 'threat'));
  const tlpSel = select({ name: 'tlp', id: 'post-tlp' }, [], '');
  const recipients = field(t('post.recipients'), input('recipients'));

  function fillTlp() {
    const c = circles.find((x) => x.circle === circleSel.value) || circles[0];
    const want = draft.tlp && c.tlp_allowed.includes(draft.tlp) ? draft.tlp : c.tlp_default;
    tlpSel.replaceChildren(...c.tlp_allowed.map((x) => el('option', { value: x, selected: x === want, text: `TLP:${x}` })));
    recipients.hidden = tlpSel.value !== 'RED';
  }

  const alertPart = el('fieldset', { class: 'kind-part', dataset: { kind: 'alert' } },
    el('legend', { text: label('kind', 'alert') }),
    field(t('post.severity'), select({ name: 'severity', id: 'post-severity' },
      SEVERITIES.map((s) => [s, label('severity', s)]), v('severity', 'medium'))),
    field(t('post.action'), area('action', 3)),
    field(t('post.references'), area('references', 2)),
    field(t('post.products'), area('products', 2)));
  const practicePart = el('fieldset', { class: 'kind-part', dataset: { kind: 'practice' } },
    el('legend', { text: label('kind', 'practice') }),
    field(t('practice.directive'), select({ name: 'directive', id: 'post-directive' },
      Array.from({ length: 10 }, (_, i) => [String(i + 1), t('practice.directiveN', { n: i + 1 })]), v('directive', '1'))),
    field(t('practice.industry'), select({ name: 'industry', id: 'post-industry' },
      INDUSTRIES.map((x) => [x, label('industry', x)]), v('industry', 'finance'))),
    field(t('practice.size'), select({ name: 'size_band', id: 'post-size_band' },
      [['', t('none')], ...SIZE_BANDS.map((x) => [x, x])], v('size_band', ''))),
    el('div', { class: 'field' }, el('span', { class: 'label', text: t('post.readers') }),
      READERS.map((r) => el('label', { class: 'check' },
        el('input', { type: 'checkbox', name: `reader_${r}`, checked: Boolean(v(`reader_${r}`, r === 'staff')) }),
        label('readers', r)))),
    field(t('practice.level'), select({ name: 'level', id: 'post-level' },
      [['1', '1'], ['2', '2'], ['3', '3']], v('level', '1'))),
    field(t('practice.situation'), area('situation', 3)),
    field(t('practice.steps'), area('steps', 3)),
    field(t('practice.outcome'), area('outcome', 3)));
  const eventPart = el('fieldset', { class: 'kind-part', dataset: { kind: 'event' } },
    el('legend', { text: label('kind', 'event') }),
    field(t('event.prefecture'), select({ name: 'prefecture', id: 'post-prefecture' },
      [...PREFECTURES.map((p) => [p[0], lang === 'ja' ? p[1] : p[2]]), ['online', t('place.online')]],
      v('prefecture', 'JP-14'))),
    field(t('event.venue'), input('venue', { maxlength: 200 })),
    field(t('post.eventStart'), input('start', { type: 'datetime-local' }), 'Asia/Tokyo'),
    field(t('post.eventEnd'), input('end', { type: 'datetime-local' }), 'Asia/Tokyo'),
    field(t('event.deadline'), input('deadline', { type: 'datetime-local' })),
    field(t('event.audience'), select({ name: 'audience', id: 'post-audience' },
      AUDIENCES.map((a) => [a, label('audience', a)]), v('audience', 'mixed'))),
    field(t('post.capacity'), input('capacity', { type: 'number', min: 0, max: 100000 })),
    field(t('event.fee'), input('fee', { maxlength: 100 })),
    field(t('post.cpe'), input('cpe', { type: 'number', min: 0, max: 100, step: '0.5' })),
    field(t('event.organizer'), input('organizer', { maxlength: 200 })),
    field(t('event.contact'), input('contact', { maxlength: 200 })));
  const parts = [alertPart, practicePart, eventPart];

  const previewBtn = el('button', { type: 'submit', class: 'primary', id: 'post-preview', text: t('post.preview') });
  const confirmBtn = el('button', { type: 'button', id: 'post-confirm', hidden: true, text: t('post.confirm') });
  const status = el('p', { class: 'form-status', id: 'post-status', role: 'status' });
  const out = el('div', { id: 'post-result' });
  const form = el('form', { class: 'post', id: 'post-form', autocomplete: 'off' },
    el('div', { class: 'grid' },
      field(t('post.circle'), circleSel), field(t('post.kind'), kindSel), field(t('post.tlp'), tlpSel)),
    recipients,
    field(t('post.titleField'), input('title', { maxlength: 200, required: true })),
    field(t('post.body'), area('body', 8)),
    parts,
    field(t('post.tags'), input('tags')),
    field(t('post.indicators'), area('indicators', 4), t('post.indicatorsHint')),
    el('div', { class: 'actions' }, previewBtn, confirmBtn),
    status);
  panel.append(form);
  root.append(out);

  let previewed = null; // the item the current preview is of
  const showParts = () => {
    for (const p of parts) p.hidden = p.dataset.kind !== kindSel.value;
  };
  fillTlp();
  showParts();

  function values() {
    const data = {};
    for (const node of form.elements) {
      if (!node.name) continue;
      data[node.name] = node.type === 'checkbox' ? node.checked : node.value;
    }
    return data;
  }

  form.addEventListener('input', () => {
    draft = values();
    if (previewed) {
      previewed = null;
      confirmBtn.hidden = true;
      status.textContent = t('post.changed');
    }
  });
  circleSel.addEventListener('change', () => {
    draft = values();
    fillTlp();
    draft = values();
  });
  tlpSel.addEventListener('change', () => {
    recipients.hidden = tlpSel.value !== 'RED';
  });
  kindSel.addEventListener('change', showParts);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    draft = values();
    const built = buildItem(draft);
    if (built.error) {
      status.textContent = built.error;
      return;
    }
    previewBtn.disabled = true;
    status.textContent = t('post.previewing');
    out.replaceChildren();
    try {
      const reply = await ctx.request({ type: 'post', item: built.item, preview: true });
      previewed = built.item;
      out.replaceChildren(previewPanel(built.item, reply));
      confirmBtn.hidden = false;
      status.textContent = '';
    } catch (e) {
      status.textContent = ctx.errorText(e);
    } finally {
      previewBtn.disabled = false;
    }
  });

  confirmBtn.addEventListener('click', async () => {
    if (!previewed) return;
    const item = previewed;
    confirmBtn.disabled = true;
    status.textContent = t('post.posting');
    try {
      const posted = await ctx.request({ type: 'post', item });
      previewed = null;
      draft = {};
      confirmBtn.hidden = true;
      status.textContent = '';
      out.replaceChildren(el('section', { class: 'panel done', id: 'post-done' },
        el('p', { text: t('post.posted', { id: posted.item_id, status: label('status', posted.status) }) }),
        posted.status === 'pending' ? el('p', { class: 'muted', text: t('post.pending') }) : null,
        el('p', { class: 'actions' },
          el('a', { href: `#/item/${posted.item_id}`, id: 'post-open', text: t('post.open') }),
          el('button', { type: 'button', text: t('post.another'), on: { click: () => ctx.navigate('#/post') } }))));
      form.reset();
      form.hidden = true;
    } catch (e) {
      status.textContent = ctx.errorText(e);
    } finally {
      confirmBtn.disabled = false;
    }
  });
  return null;
}
