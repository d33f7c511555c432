// test_browser.mjs - kairan's web client in Debian's Chromium (headless),
// driven by playwright-core. Run by tests/web/test_browser.py, which starts
// the hub, puts content in it and passes a fixture on stdin:
//   {url, spki, tokens: {tanaka, yamamoto}, ids: {payload, secret,
//    practice, event}, secret_title, payloads: [...]}
// Screenshots go to $KAIRAN_WEB_ARTIFACTS. Prints "ok N - step" per step,
// then "N passed, M failed" and a last line "RESULT {json}" for the
// wrapper's hub-side checks. Exits non-zero on any failure.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const fx = JSON.parse(fs.readFileSync(0, 'utf8'));
const OUT = process.env.KAIRAN_WEB_ARTIFACTS || '.';
const CHROMIUM = process.env.KAIRAN_CHROMIUM || '/usr/bin/chromium';
const BASE = fx.url; // https://localhost:PORT/
const WAIT = 10000;
const result = {};
const trouble = []; // dialogs, page errors, console errors: any is a failure

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
  + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
  + "require-trusted-types-for 'script'; trusted-types 'none'";

let passed = 0;
let failed = 0;
let n = 0;
const t0 = Date.now();

async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

async function step(name, page, fn) {
  n += 1;
  const start = Date.now();
  try {
    await fn();
    passed += 1;
    console.log(`ok ${n} - ${name} (${Date.now() - start} ms)`);
  } catch (e) {
    failed += 1;
    console.log(`not ok ${n} - ${name}\n  ${String(e && e.stack || e).split('\n').join('\n  ')}`);
    if (page) await shot(page, `failed-${n}`).catch(() => {});
  }
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  // Trust exactly the hub's self-signed certificate (its key), nothing else.
  args: [`--ignore-certificate-errors-spki-list=${fx.spki}`],
});

async function person(label, locale) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on('dialog', async (d) => {
    trouble.push(`${label}: a dialog opened: ${d.message()}`);
    await d.dismiss();
  });
  page.on('pageerror', (e) => trouble.push(`${label}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') trouble.push(`${label}: console error: ${m.text()}`);
  });
  return { context, page };
}

async function signIn(page, token, user) {
  await page.goto(BASE);
  await page.fill('#token', token);
  await page.click('form.signin button[type=submit]');
  await page.waitForFunction((u) => document.getElementById('who').textContent.startsWith(u), user,
    { timeout: WAIT });
}

// Nothing a payload carries took effect in this page.
async function assertInert(page, where) {
  const report = await page.evaluate(() => {
    const bad = [];
    for (const node of document.querySelectorAll('*')) {
      for (const a of node.attributes) {
        if (/^on/i.test(a.name)) bad.push(`${node.tagName} has ${a.name}`);
        if (a.name === 'style') bad.push(`${node.tagName} has an inline style`);
      }
    }
    const scripts = [...document.querySelectorAll('script')].map((s) => s.getAttribute('src'));
    const injected = document.querySelectorAll('body img, body svg, body iframe, body style, body object, body embed, body b, body script').length;
    const links = [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))
      .filter((h) => !/^(#\/|\/events(\.ics|\/it_[0-9a-f]{16}\.ics))/.test(h));
    return {
      bad, scripts, injected, links,
      xss: window.__xss === undefined ? null : String(window.__xss),
      violations: window.__violations || [],
      bodyShown: getComputedStyle(document.body).display !== 'none',
    };
  });
  assert.deepEqual(report.bad, [], `${where}: handler or style attributes`);
  assert.deepEqual(report.scripts, ['/app/app.js'], `${where}: scripts`);
  assert.equal(report.injected, 0, `${where}: injected elements`);
  assert.deepEqual(report.links, [], `${where}: links other than the page's own`);
  assert.equal(report.xss, null, `${where}: a payload ran`);
  assert.deepEqual(report.violations, [], `${where}: CSP violations`);
  assert.ok(report.bodyShown, `${where}: the page was hidden by injected CSS`);
}

async function text(page, selector) {
  return (await page.locator(selector).first().textContent()) || '';
}

const tanaka = await person('tanaka', 'en-US');
const yamamoto = await person('yamamoto', 'ja-JP');
const tp = tanaka.page;
const yp = yamamoto.page;

await step('the page and its assets carry the CSP and security headers', tp, async () => {
  const seen = [];
  tp.on('response', (r) => {
    if (r.url().startsWith(BASE)) seen.push(r);
  });
  const res = await tp.goto(BASE);
  assert.equal(res.status(), 200);
  await tp.waitForSelector('#token', { timeout: WAIT });
  assert.ok(seen.length >= 10, `only ${seen.length} responses`);
  for (const r of seen) {
    const h = await r.allHeaders();
    assert.equal(h['content-security-policy'], CSP, r.url());
    assert.equal(h['x-content-type-options'], 'nosniff', r.url());
    assert.equal(h['referrer-policy'], 'no-referrer', r.url());
  }
  tp.removeAllListeners('response');
  await shot(tp, '01-sign-in');
});

await step('sign in: the token stays in sessionStorage, never in the URL or localStorage', tp, async () => {
  await signIn(tp, fx.tokens.tanaka, 'tanaka');
  const s = await tp.evaluate(() => ({
    session: sessionStorage.getItem('kairan.token'),
    local: Object.keys(localStorage).map((k) => localStorage.getItem(k)),
    url: location.href,
    html: document.documentElement.outerHTML,
  }));
  assert.equal(s.session, fx.tokens.tanaka);
  assert.ok(!s.local.includes(fx.tokens.tanaka), 'token in localStorage');
  assert.ok(!s.url.includes(fx.tokens.tanaka), 'token in the URL');
  assert.ok(!s.html.includes(fx.tokens.tanaka), 'token in the DOM');
  assert.equal(await text(tp, '#conn'), 'live');
  assert.ok(await tp.locator('#nav-moderation').isHidden(), 'tanaka moderates nothing');
});

await step('alert feed: the severity filter keeps high and above', tp, async () => {
  await tp.goto(`${BASE}#/alerts`);
  await tp.waitForFunction(() => /EXISTING-LOW/.test(document.getElementById('alert-list').textContent),
    null, { timeout: WAIT });
  await tp.selectOption('#min-severity', 'high');
  await tp.waitForFunction(() => {
    const t = document.getElementById('alert-list').textContent;
    return t.includes('EXISTING-HIGH') && !t.includes('EXISTING-LOW');
  }, null, { timeout: WAIT });
  await tp.waitForTimeout(300); // a late low alert would show by now
  assert.doesNotMatch(await text(tp, '#alert-list'), /EXISTING-LOW/);
});

const ALERT_TITLE = `緊急: 偽ログインページへの誘導 ${fx.payloads[1]}`;
await step('another client (the secretariat, Japanese by default) posts an alert; it arrives live', yp, async () => {
  await signIn(yp, fx.tokens.yamamoto, 'yamamoto');
  assert.equal(await yp.evaluate(() => document.documentElement.lang), 'ja');
  assert.equal(await text(yp, 'nav a[href="#/alerts"]'), 'アラート');
  assert.ok(await yp.locator('#nav-moderation').isVisible(), 'yamamoto moderates fin-isac');
  await yp.goto(`${BASE}#/post`);
  await yp.selectOption('#post-circle', 'fin-isac');
  await yp.selectOption('#post-kind', 'alert');
  await yp.selectOption('#post-tlp', 'GREEN');
  await yp.selectOption('#post-severity', 'critical');
  await yp.fill('#post-title', ALERT_TITLE);
  await yp.fill('#post-body', `本日未明から会員行を騙るSMSが急増。${fx.payloads[0]}`);
  await yp.fill('#post-action', `${fx.payloads[4]} 利用者への注意喚起を行ってください。`);
  await yp.click('#post-preview');
  await yp.waitForSelector('#preview', { timeout: WAIT });
  await yp.click('#post-confirm');
  await yp.waitForSelector('#post-done', { timeout: WAIT });
  const href = await yp.getAttribute('#post-open', 'href');
  result.alert_id = href.replace('#/item/', '');
  await shot(yp, '02-secretariat-posted-alert');
  // tanaka's feed shows it without reloading
  await tp.locator('#alert-list li.live').first().waitFor({ timeout: WAIT });
  const title = await tp.locator('#alert-list li.live .title').first().textContent();
  assert.equal(title, ALERT_TITLE);
  await assertInert(tp, 'alert feed');
  await shot(tp, '03-alert-arrived-live');
});

const POST_TITLE = 'さくら銀行の利用者を狙うSMSフィッシング';
await step('post with preview: what is removed is highlighted, then confirm', tp, async () => {
  await tp.goto(`${BASE}#/post`);
  await tp.selectOption('#post-circle', 'fin-isac');
  await tp.selectOption('#post-kind', 'threat');
  await tp.selectOption('#post-tlp', 'GREEN');
  await tp.fill('#post-title', POST_TITLE);
  await tp.fill('#post-body', 'さくら銀行の顧客に偽SMSが届いています。担当は田中一郎'
    + '（tanaka@sakura-bank.example.jp、03-1234-5678）。社内の 10.20.30.40 から偽サイトへの通信を遮断しました。');
  await tp.fill('#post-tags', 'phishing, smishing');
  await tp.fill('#post-indicators', 'domain login-sakura-secure.example attacker\nipv4 10.20.30.40 victim');
  await tp.click('#post-preview');
  await tp.waitForSelector('#preview', { timeout: WAIT });
  const marks = await tp.locator('#preview mark.removed').allTextContents();
  for (const want of ['さくら銀行', '田中一郎', 'tanaka@sakura-bank.example.jp', '03-1234-5678']) {
    assert.ok(marks.includes(want), `${want} not highlighted: ${JSON.stringify(marks)}`);
  }
  assert.deepEqual(await tp.locator('#preview del.removed').allTextContents(), ['ipv4 10.20.30.40']);
  const seen = await text(tp, '#preview .item .item-title');
  assert.ok(!seen.includes('さくら銀行') && seen.includes('[組織]'), `recipients see ${seen}`);
  assert.ok((await tp.locator('#removed-list tbody tr').count()) >= 5);
  await shot(tp, '04-preview-highlighted');
  // changing the form withdraws the confirmation until the next preview
  await tp.fill('#post-tags', 'phishing, smishing, sms');
  assert.ok(await tp.locator('#post-confirm').isHidden(), 'confirm offered for a stale preview');
  await tp.click('#post-preview');
  await tp.waitForSelector('#post-confirm:not([hidden])', { timeout: WAIT });
  await tp.click('#post-confirm');
  await tp.waitForSelector('#post-done', { timeout: WAIT });
  result.posted_id = (await tp.getAttribute('#post-open', 'href')).replace('#/item/', '');
  await tp.click('#post-open');
  await tp.waitForSelector('#item-view[aria-busy="false"] .item-title', { timeout: WAIT });
  const stored = await text(tp, '#item-view .item-title');
  assert.ok(stored.includes('[組織]') && !stored.includes('さくら銀行'), stored);
  await shot(tp, '05-posted');
});

await step('reports list with TLP badges; an item full of payloads renders as text', tp, async () => {
  await tp.goto(`${BASE}#/reports/fin-isac`);
  await tp.waitForSelector(`#report-list a[href="#/item/${fx.ids.payload}"]`, { timeout: WAIT });
  const weekly = await tp.locator('#report-list li', { hasText: '週次観測レポート' }).count();
  assert.equal(weekly, fx.bulk, 'every long report of the history (one message over 64 KiB)');
  const badge = tp.locator(`#report-list li:has(a[href="#/item/${fx.ids.payload}"]) .tlp`);
  assert.equal(await badge.textContent(), 'TLP:GREEN');
  const colours = await badge.evaluate((b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]);
  assert.deepEqual(colours, ['rgb(51, 255, 0)', 'rgb(0, 0, 0)']);
  await tp.click(`#report-list a[href="#/item/${fx.ids.payload}"]`);
  await tp.waitForSelector('#item-view[aria-busy="false"] .item-title', { timeout: WAIT });
  assert.equal(await text(tp, '#item-view .item-title'), `偽SMSの誘導先 ${fx.payloads[1]}`);
  const body = await text(tp, '#item-view .text.body');
  for (const p of [fx.payloads[0], fx.payloads[5], fx.payloads[6], fx.payloads[3], fx.payloads[7], fx.payloads[4]]) {
    assert.ok(body.includes(p), `body lacks ${p}`);
  }
  assert.deepEqual(await tp.locator('#item-view .tag').allTextContents(), [fx.payloads[2], '<b>phishing</b>']);
  assert.ok((await text(tp, '#item-view table.indicators')).includes('http://evil.example/<script>alert(1)</script>'));
  await assertInert(tp, 'item with payloads');
  await shot(tp, '06-payload-item-inert');
});

await step('an AMBER item of a circle tanaka is not in never appears; its id says not allowed', tp, async () => {
  for (const circle of ['fin-isac', 'kanagawa-community', 'public']) {
    await tp.goto(`${BASE}#/reports/${circle}`);
    await tp.waitForFunction((c) => {
      const sel = document.getElementById('report-circle');
      const status = document.querySelector('#report-list')?.parentElement.querySelector('.form-status');
      return sel && sel.value === c && status && /newest|Nothing/.test(status.textContent);
    }, circle, { timeout: WAIT });
    assert.ok(!(await tp.content()).includes(fx.secret_title), `visible in ${circle}`);
  }
  await tp.goto(`${BASE}#/alerts`);
  await tp.selectOption('#min-severity', '');
  await tp.waitForFunction(() => /EXISTING-LOW/.test(document.getElementById('alert-list').textContent),
    null, { timeout: WAIT });
  assert.ok(!(await tp.content()).includes(fx.secret_title), 'visible among alerts');
  await tp.goto(`${BASE}#/item/${fx.ids.secret}`);
  await tp.waitForSelector('#item-error', { timeout: WAIT });
  assert.match(await text(tp, '#item-error'), /Not allowed/);
  assert.ok(!(await tp.content()).includes(fx.secret_title));
  await shot(tp, '07-not-allowed');
});

await step('events by prefecture: RSVP takes a seat; the calendar feed link', tp, async () => {
  await tp.goto(`${BASE}#/events/JP-14`);
  const card = tp.locator(`#event-list li[data-id="${fx.ids.event}"]`);
  await card.waitFor({ timeout: WAIT });
  assert.equal(await tp.getAttribute('#calendar-link', 'href'), '/events.ics?region=JP-14');
  assert.ok((await card.textContent()).includes(fx.payloads[1]), 'venue shown as text');
  assert.equal(await card.locator('.seats').textContent(), '0 of 2 seats taken');
  await card.locator('button[data-action="rsvp"]').click();
  await tp.waitForSelector(`#event-list li[data-id="${fx.ids.event}"] .rsvp[data-status="attending"]`, { timeout: WAIT });
  assert.equal(await card.locator('.seats').textContent(), '1 of 2 seats taken');
  const ics = await tp.evaluate(async () => {
    const r = await fetch(document.getElementById('calendar-link').getAttribute('href'));
    return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
  });
  assert.equal(ics.status, 200);
  assert.match(ics.type, /^text\/calendar/);
  assert.ok(ics.body.includes(`UID:${fx.ids.event}@kairan`), 'the event is in the feed');
  await assertInert(tp, 'events');
  await shot(tp, '08-rsvp');
});

await step('the secretariat approves a practice report from the moderation queue', yp, async () => {
  await yp.goto(`${BASE}#/moderation`);
  const entry = yp.locator(`#moderation-list li[data-id="${fx.ids.practice}"]`);
  await entry.waitFor({ timeout: WAIT });
  assert.ok((await entry.textContent()).includes(fx.payloads[0]), 'title shown as text');
  await assertInert(yp, 'moderation queue');
  await shot(yp, '09-moderation-queue');
  await entry.locator('button[data-action="approve"]').click();
  await yp.waitForFunction((id) => !document.querySelector(`#moderation-list li[data-id="${id}"]`),
    fx.ids.practice, { timeout: WAIT });
  assert.match(await text(yp, '#moderation-status'), /公開/);
  await shot(yp, '10-approved');
});

await step('language switch: Japanese and back', tp, async () => {
  await tp.goto(`${BASE}#/events/JP-14`);
  await tp.locator(`#event-list li[data-id="${fx.ids.event}"]`).waitFor({ timeout: WAIT });
  await tp.click('#lang');
  await tp.waitForFunction(() => document.documentElement.lang === 'ja', null, { timeout: WAIT });
  assert.equal(await text(tp, 'nav a[href="#/events"]'), 'イベント');
  await tp.locator('.rsvp[data-status="attending"]', { hasText: '参加予定' }).waitFor({ timeout: WAIT });
  await shot(tp, '11-japanese');
  await tp.click('#lang');
  await tp.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: WAIT });
  assert.equal(await text(tp, 'nav a[href="#/events"]'), 'Events');
});

await step('a reload keeps the session (this tab), revalidating assets', tp, async () => {
  const statuses = [];
  tp.on('response', (r) => statuses.push(r.status()));
  await tp.reload();
  await tp.waitForFunction(() => document.getElementById('who').textContent.startsWith('tanaka'), null,
    { timeout: WAIT });
  tp.removeAllListeners('response');
  assert.ok(statuses.every((s) => s === 200 || s === 304), JSON.stringify(statuses));
});

await step('nothing ran: no dialog, no page error, no CSP violation in either browser', null, async () => {
  await assertInert(tp, 'tanaka at the end');
  await assertInert(yp, 'yamamoto at the end');
  assert.deepEqual(trouble, []);
});

await step('Trusted Types: the page refuses HTML strings outright', tp, async () => {
  const r = await tp.evaluate(() => {
    try {
      document.body.innerHTML = '<img src=x>';
      return 'assigned';
    } catch (e) {
      return e.name;
    }
  });
  assert.equal(r, 'TypeError');
});

await step('sign out forgets the token', tp, async () => {
  await tp.click('#signout');
  await tp.waitForSelector('#token', { timeout: WAIT });
  assert.equal(await tp.evaluate(() => sessionStorage.getItem('kairan.token')), null);
  assert.ok(await tp.locator('#nav').isHidden());
});

await step('signed out, the public events of Kanagawa are listed; answering needs a sign-in', tp, async () => {
  await tp.goto(`${BASE}#/events/JP-14`);
  const card = tp.locator(`#event-list li[data-id="${fx.ids.event}"]`);
  await card.waitFor({ timeout: WAIT });
  assert.equal(await tp.textContent('#conn'), 'public view');
  assert.equal(await card.locator('.rsvp').textContent(), 'Sign in to answer.');
  assert.equal(await card.locator('button').count(), 0);
  assert.equal(await card.locator('.seats').textContent(), '1 of 2 seats taken');
  await shot(tp, '12-public-events');
});

await browser.close();
console.log(`browser steps took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(failed ? 1 : 0);
