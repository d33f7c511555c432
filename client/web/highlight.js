// highlight.js - where the anonymiser removed something from the author's
// own text. A preview's `removed` entries give every occurrence as [offset,
// length] in bytes of the original UTF-8 text (PROTOCOL.md, "preview");
// segments() cuts that text into plain and removed pieces for display.
// Pure: no DOM, so it is easy to reason about.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

// The removed ranges of one field: [{start, end, kind}] in bytes, sorted,
// overlaps merged (the first kind kept), ranges outside [0, size) dropped.
export function rangesFor(removed, field, size) {
  const out = [];
  for (const r of Array.isArray(removed) ? removed : []) {
    if (!r || r.field !== field || !Array.isArray(r.occurrences)) continue;
    for (const occ of r.occurrences) {
      const [off, len] = Array.isArray(occ) ? occ : [];
      if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len <= 0) continue;
      if (off + len > size) continue;
      out.push({ start: off, end: off + len, kind: String(r.kind) });
    }
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last && r.start < last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

// text cut into [{text, kind}] pieces: kind null for kept text, the
// removal's kind for removed text. Joined, the pieces are text again.
export function segments(text, removed, field) {
  const bytes = encoder.encode(String(text));
  const ranges = rangesFor(removed, field, bytes.length);
  const out = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start > at) out.push({ text: decoder.decode(bytes.subarray(at, r.start)), kind: null });
    out.push({ text: decoder.decode(bytes.subarray(r.start, r.end)), kind: r.kind });
    at = r.end;
  }
  if (at < bytes.length || out.length === 0) {
    out.push({ text: decoder.decode(bytes.subarray(at)), kind: null });
  }
  return out;
}
