// dom.js - building the page from data without ever parsing markup.
//
// Everything the page shows is made here with document.createElement and
// text nodes: a string is always text, never HTML. el() accepts a fixed
// set of attributes (no on* handler attributes, no style), event listeners
// only as functions, and links only to the page's own views and the hub's
// calendar feeds, so nothing an item carries can become a script, a style
// or a link elsewhere. The page's Content-Security-Policy (Trusted Types)
// makes the browser refuse any HTML string sink as well.

const ATTRS = new Set([
  'id', 'type', 'name', 'for', 'placeholder', 'autocomplete', 'min', 'max', 'step', 'rows',
  'lang', 'role', 'title', 'tabindex', 'maxlength', 'spellcheck', 'datetime', 'inputmode',
  'aria-label', 'aria-live', 'aria-current', 'aria-describedby', 'aria-busy', 'download',
]);
const BOOLS = new Set(['hidden', 'disabled', 'required', 'multiple', 'open']);
const PROPS = new Set(['value', 'checked', 'selected']);

// The only links the page makes: its own views (#/...) and the hub's
// calendar feeds (/events.ics?..., /events/ITEM.ics).
const HREF = /^(#\/[A-Za-z0-9/_.+-]*|\/events\.ics(\?region=(JP-(0[1-9]|[1-3][0-9]|4[0-7])|online|[a-z]+(-[a-z]+)?))?|\/events\/it_[0-9a-f]{16}\.ics)$/;

export function safeHref(href) {
  if (typeof href !== 'string' || !HREF.test(href)) {
    throw new Error(`refusing link ${JSON.stringify(String(href)).slice(0, 80)}`);
  }
  return href;
}

// Append children: strings and numbers as text nodes, nodes as they are,
// arrays flattened, null/undefined/false skipped.
export function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else if (c instanceof Node) node.appendChild(c);
    else node.appendChild(document.createTextNode(String(c)));
  }
  return node;
}

// el('a', {class: 'x', href: '#/alerts', text: 'Alerts', on: {click: fn}}, ...children)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') {
      const names = Array.isArray(v) ? v.filter(Boolean) : [v];
      for (const n of names) for (const c of String(n).split(' ')) if (c) node.classList.add(c);
    } else if (k === 'text') {
      node.textContent = String(v);
    } else if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    } else if (k === 'href') {
      node.setAttribute('href', safeHref(v));
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) node.dataset[dk] = String(dv);
    } else if (BOOLS.has(k)) {
      node.toggleAttribute(k, Boolean(v));
    } else if (PROPS.has(k)) {
      node[k] = v;
    } else if (ATTRS.has(k) || k.startsWith('aria-')) {
      if (v !== false) node.setAttribute(k, String(v));
    } else {
      throw new Error(`el: attribute ${k} is not allowed`);
    }
  }
  return append(node, children);
}

// Replace every child of node with children.
export function fill(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

// A <select> of [value, label] pairs with `selected` chosen.
export function select(props, options, selected) {
  const s = el('select', props);
  for (const [value, label] of options) {
    s.appendChild(el('option', { value, selected: value === selected, text: label }));
  }
  return s;
}

// A labelled form field: <label><span>label</span> control</label>.
export function field(label, control, hint) {
  return el('label', { class: 'field' }, el('span', { class: 'label', text: label }), control,
    hint ? el('small', { class: 'hint', text: hint }) : null);
}
