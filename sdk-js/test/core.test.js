import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installBrowser, sleep } from './browser.js';

globalThis.__VERSION__ = 'test';
const { start } = await import('../src/core.js');

// web-vitals stand-in: each on* function hands over the SDK's callback and options.
const vitals = () => {
  const cbs = {};
  const opts = {};
  const metrics = ['LCP', 'INP', 'CLS', 'FCP'].map((name) => (cb, o) => ((cbs[name] = cb), (opts[name] = o)));
  const report = (name, value, extra = {}) =>
    cbs[name]({ name, value, delta: value, rating: 'good', id: 'v6-1', navigationType: 'navigate', navigationId: 1, entries: [], ...extra });
  return { metrics, report, opts };
};
const site = { site: 'pk_test', endpoint: 'https://rum.example/', routes: ['/product/:id'], release: '2026.11.1', tags: { ab: 'b' } };

test('a page view: context, server timings, vitals, errors, route change', async () => {
  const env = installBrowser({
    serverTiming: [
      { name: 'cache', duration: 0, description: 'HIT' },
      { name: 'app', duration: 53, description: '' },
    ],
  });
  const { metrics, report } = vitals();
  const sdk = start(site, metrics);
  assert.equal(typeof sdk.flush, 'function');
  report('LCP', 1830.5);
  for (let i = 0; i < 3; i++) env.fire('error', { message: 'boom', error: new TypeError('boom'), filename: 'https://shop.example/app.js?v=1', lineno: 3, colno: 7 });
  env.fire('unhandledrejection', { reason: new Error('nope') });
  history.pushState({}, '', '/product/43?ref=mail');
  env.paint();
  env.fire('error', { message: 'after route', error: new Error('after route'), filename: 'x.js', lineno: 1, colno: 1 });
  history.replaceState({}, '', '/product/43?ref=other'); // same scrubbed URL: same page view
  env.paint();
  report('CLS', 0.12);
  env.hide();

  const byPv = {};
  for (const { body } of env.sent) {
    assert.equal(body.v, 1);
    assert.equal(body.url.includes('?'), false);
    (byPv[body.pv] ||= { ctx: body, events: [] }).events.push(...body.e);
  }
  const [hard, soft] = Object.values(byPv).sort((a, b) => a.ctx.st - b.ctx.st);
  assert.equal(Object.keys(byPv).length, 2);
  assert.deepEqual(
    { url: hard.ctx.url, grp: hard.ctx.grp, nav: hard.ctx.nav, ref: hard.ctx.ref, ect: hard.ctx.ect, mem: hard.ctx.mem, cpu: hard.ctx.cpu, vw: hard.ctx.vw, rel: hard.ctx.rel, tags: hard.ctx.tags, sdk: hard.ctx.sdk },
    { url: 'https://shop.example/product/42', grp: '/product/:id', nav: 'navigate', ref: 'https://search.example/q', ect: '4g', mem: 4, cpu: 8, vw: 390, rel: '2026.11.1', tags: { ab: 'b' }, sdk: 'test' },
  );
  assert.equal(hard.ctx.sid, soft.ctx.sid);
  assert.equal(soft.ctx.nav, 'soft');
  assert.equal(soft.ctx.url, 'https://shop.example/product/43');

  const kinds = (events) => events.map((e) => e.t + ':' + (e.n ?? e.msg ?? e.from));
  assert.deepEqual(kinds(hard.events).sort(), ['err:boom', 'err:nope', 'st:app', 'st:cache', 'vital:CLS', 'vital:LCP', 'vital:TTFB']);
  // TTFB: the navigation entry's response start, rated by the collector.
  const ttfb = hard.events.find((e) => e.n == 'TTFB');
  assert.deepEqual([ttfb.val, ttfb.r, ttfb.d, ttfb.a], [12, undefined, undefined, undefined]);
  const boom = hard.events.find((e) => e.msg == 'boom');
  assert.deepEqual({ type: boom.type, src: boom.src, cnt: boom.cnt }, { type: 'TypeError', src: 'https://shop.example/app.js:3:7', cnt: 3 });
  assert.equal(hard.events.find((e) => e.msg == 'nope').type, 'unhandledrejection');
  const cache = hard.events.find((e) => e.n == 'cache');
  assert.deepEqual({ dur: cache.dur, desc: cache.desc }, { dur: 0, desc: 'HIT' });
  assert.equal(hard.events.find((e) => e.n == 'app').dur, 53);

  assert.deepEqual(kinds(soft.events), ['route:https://shop.example/product/42', 'err:after route']);
  const route = soft.events.find((e) => e.t == 'route');
  assert.ok(route.dur >= 0 && route.dur < 1000);

  const ids = [...hard.events, ...soft.events].map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{8,64}$/);
  assert.ok(env.sent.every((s) => s.url == 'https://rum.example/v1/beacon?k=pk_test'));
});

test('errors are capped per page view', () => {
  const env = installBrowser();
  start({ site: 'pk_test', maxErrors: 3 }, vitals().metrics);
  for (let i = 0; i < 10; i++) env.fire('error', { message: 'e' + i, error: new Error('e' + i), filename: 'a.js', lineno: i, colno: 1 });
  env.hide();
  assert.equal(env.events().filter((e) => e.t == 'err').length, 3);
});

test('out-of-range values are dropped, not sent for the collector to refuse', () => {
  const env = installBrowser();
  const { metrics, report } = vitals();
  start({ site: 'pk_test' }, metrics);
  report('LCP', 700_000);
  report('CLS', 0.05);
  env.hide();
  assert.deepEqual(env.events().filter((e) => e.t == 'vital').map((e) => e.n), ['TTFB', 'CLS']);
});

test('Do-Not-Track / GPC are honoured when asked, sample rate 0 sends nothing', async () => {
  for (const [options, nav, expectRunning] of [
    [{ respectDoNotTrack: true }, { doNotTrack: '1' }, false],
    [{ respectDoNotTrack: '' }, { globalPrivacyControl: true }, false], // data-respect-do-not-track
    [{ respectDoNotTrack: false }, { doNotTrack: '1' }, true],
    [{}, { doNotTrack: '1' }, true],
    [{ sampleRate: 0 }, {}, false],
    [{ sampleRate: '0' }, {}, false], // data-sample-rate="0"
  ]) {
    const env = installBrowser();
    Object.assign(navigator, nav);
    const { metrics, report } = vitals();
    const sdk = start({ site: 'pk_test', ...options }, metrics);
    assert.equal(Boolean(sdk), expectRunning, JSON.stringify(options));
    if (!expectRunning) assert.throws(() => report('LCP', 1000), 'no metric was even observed');
    env.fire('error', { message: 'x', error: new Error('x') });
    env.hide();
    await sleep(1);
    assert.equal(env.sent.length > 0, expectRunning);
  }
});

test('script-tag strings work as options', () => {
  const env = installBrowser({ href: 'https://shop.example/blog/2026/hello?q=shoes&mail=x' });
  start({ site: 'pk_test', routes: '/product/:id,/blog/*', query: 'q', sampleRate: '1', batchMs: '10' }, vitals().metrics);
  env.fire('error', { message: 'x', error: new Error('x') });
  env.hide();
  assert.equal(env.sent[0].body.grp, '/blog/*');
  assert.equal(env.sent[0].body.url, 'https://shop.example/blog/2026/hello?q=shoes');
});

test('a bfcache restore starts a new page view for the metrics that follow', () => {
  const env = installBrowser();
  const { metrics, report } = vitals();
  start({ site: 'pk_test' }, metrics);
  report('LCP', 900);
  env.fire('pageshow', { persisted: true, timeStamp: 5000 });
  report('LCP', 20, { navigationType: 'back-forward-cache' });
  env.hide();
  const ctxs = env.sent.map((s) => s.body);
  assert.equal(ctxs.length, 2);
  assert.notEqual(ctxs[0].pv, ctxs[1].pv);
  assert.equal(ctxs[1].nav, 'back-forward-cache');
  assert.equal(ctxs[1].e[0].val, 20);
});

const errs = (env) => env.events().filter((e) => e.t == 'err');
// A failed load as the browser dispatches it: a plain Event whose target is the element.
const failed = (env, localName, url) => env.fire('error', { target: { localName, ...(localName == 'link' ? { href: url } : { src: url }) } });

test('failed resource loads: their own type, the element and the scrubbed URL, deduplicated, inside the cap', () => {
  const env = installBrowser();
  start({ site: 'pk_test', query: 'v', maxErrors: 4 }, vitals().metrics);
  failed(env, 'img', 'https://cdn.example/img/hero.png?sig=s3cret#x');
  failed(env, 'img', 'https://cdn.example/img/hero.png?sig=other');
  failed(env, 'script', '/static/app.js?v=3&token=t');
  failed(env, 'link', 'https://shop.example/style.css#top');
  failed(env, 'img', ''); // <img src="">: nothing to report
  env.fire('error', { target: { localName: 'image', href: { baseVal: 'a.png' } } }); // SVG: no string URL
  env.fire('error', { message: 'boom', error: new Error('boom'), filename: 'a.js', lineno: 1, colno: 1 });
  failed(env, 'img', 'https://cdn.example/img/over-the-cap.png');
  env.hide();
  const seen = errs(env).map(({ type, msg, src, cnt, stack }) => ({ type, msg, src, cnt, stack }));
  assert.deepEqual(seen, [
    { type: 'resource', msg: 'img', src: 'https://cdn.example/img/hero.png', cnt: 2, stack: undefined },
    { type: 'resource', msg: 'script', src: 'https://shop.example/static/app.js?v=3', cnt: 1, stack: undefined },
    { type: 'resource', msg: 'link', src: 'https://shop.example/style.css', cnt: 1, stack: undefined },
    { type: 'Error', msg: 'boom', src: 'https://shop.example/product/a.js:1:1', cnt: 1, stack: seen[3].stack },
  ]);
});

test('the early snippet queues what happens before the SDK, which drains it once and closes it', async () => {
  const env = installBrowser();
  await import('../src/early.js?drain');
  assert.deepEqual(self.vs_e, []);
  const thrown = { message: 'early', error: new TypeError('early'), filename: 'https://shop.example/a.js', lineno: 1, colno: 2 };
  env.fire('error', thrown);
  env.fire('error', thrown);
  env.fire('unhandledrejection', { reason: new Error('early rejection') });
  failed(env, 'img', 'https://shop.example/missing.png?x=1');
  assert.equal(self.vs_e.length, 4);
  start({ site: 'pk_test' }, vitals().metrics);
  assert.equal(self.vs_e, null, 'the queue is closed');
  env.fire('error', thrown); // after start: the SDK's own listener counts it, the snippet queues nothing
  failed(env, 'script', 'https://shop.example/late.js');
  env.hide();
  const seen = errs(env).map(({ type, msg, cnt }) => [type, msg, cnt]);
  assert.deepEqual(seen, [
    ['TypeError', 'early', 3],
    ['unhandledrejection', 'early rejection', 1],
    ['resource', 'img', 1],
    ['resource', 'script', 1],
  ]);
  const early = errs(env)[0];
  // timeOrigin + timeStamp (the monotonic clock) may run a few ms ahead of Date.now().
  assert.ok(Math.abs(early.ts - Date.now()) < 60_000, 'the time of the event');
});

test('the early queue is bounded', async () => {
  const env = installBrowser();
  await import('../src/early.js?bounded');
  for (let i = 0; i < 50; i++) env.fire('error', { message: 'e' + i, error: new Error('e' + i), filename: 'a.js', lineno: i, colno: 1 });
  assert.equal(self.vs_e.length, 20);
  start({ site: 'pk_test', maxErrors: 100 }, vitals().metrics);
  env.hide();
  assert.equal(errs(env).length, 20);
});

test('TTFB: from the activation of a prerendered page, once it is activated; a bogus 0 is left out', () => {
  let env = installBrowser({ nav: { responseStart: 300, activationStart: 0 } });
  document.prerendering = true;
  start({ site: 'pk_test' }, vitals().metrics);
  assert.equal(env.sent.length, 0);
  env.nav.activationStart = 100;
  document.prerendering = false;
  env.fire('prerenderingchange');
  env.hide();
  const ttfb = env.events().find((e) => e.n == 'TTFB');
  assert.equal(ttfb.val, 200, 'counted from the activation, as web-vitals counts it');
  assert.equal(env.sent[0].body.nav, 'prerender');

  env = installBrowser({ nav: { responseStart: 0 } });
  start({ site: 'pk_test' }, vitals().metrics);
  env.hide();
  assert.equal(env.events().filter((e) => e.n == 'TTFB').length, 0);
});

const pageViews = (env) => {
  const byPv = {};
  for (const { body } of env.sent) (byPv[body.pv] ||= { ctx: body, events: [] }).events.push(...body.e);
  return Object.values(byPv).sort((a, b) => a.ctx.st - b.ctx.st);
};

test('soft navigations the browser reports: each its own page view with its vitals, interactions charged to their route', () => {
  const env = installBrowser({ softNavs: true });
  const { metrics, report, opts } = vitals();
  start({ site: 'pk_test', routes: ['/product/:id'] }, metrics);
  assert.deepEqual(Object.values(opts), [{ reportSoftNavs: 1 }, { reportSoftNavs: 1 }, { reportSoftNavs: 1 }, { reportSoftNavs: 1 }]);
  report('FCP', 400);
  report('LCP', 900);
  // The app changes the URL itself: no page view from history calls when the browser reports
  // soft navigations (it would have no vitals).
  history.pushState({}, '', '/product/43?token=x');
  env.paint();
  const soft = (id, path, start) => ({ navigationType: 'soft-navigation', navigationId: id, navigationURL: 'https://shop.example' + path, navigationStartTime: start });
  report('FCP', 80, soft(7, '/product/43?token=x', 5000));
  report('INP', 250); // the landing page's INP, final when the soft navigation came
  report('LCP', 120, soft(7, '/product/43?token=x', 5000));
  report('FCP', 60, soft(9, '/cart', 9000));
  report('INP', 320, soft(7, '/product/43?token=x', 5000)); // reported late: still the route's own
  report('CLS', 0.02, soft(9, '/cart', 9000));
  env.paint();
  env.hide();

  const views = pageViews(env);
  assert.deepEqual(views.map((v) => [v.ctx.url, v.ctx.grp, v.ctx.nav]), [
    ['https://shop.example/product/42', '/product/:id', 'navigate'],
    ['https://shop.example/product/43', '/product/:id', 'soft'],
    ['https://shop.example/cart', undefined, 'soft'],
  ]);
  const [hard, first, second] = views;
  assert.equal(first.ctx.st, performance.timeOrigin + 5000);
  assert.equal(second.ctx.st, performance.timeOrigin + 9000);
  const vitalsOf = (v) => v.events.filter((e) => e.t == 'vital').map((e) => e.n + ':' + e.val);
  assert.deepEqual(vitalsOf(hard), ['TTFB:12', 'FCP:400', 'LCP:900', 'INP:250']);
  assert.deepEqual(vitalsOf(first), ['FCP:80', 'LCP:120', 'INP:320']);
  assert.deepEqual(vitalsOf(second), ['FCP:60', 'CLS:0.02']);
  const routes = views.map((v) => v.events.filter((e) => e.t == 'route').map((e) => [e.from, e.ts]));
  assert.deepEqual(routes, [
    [],
    [['https://shop.example/product/42', performance.timeOrigin + 5000]],
    [['https://shop.example/product/43', performance.timeOrigin + 9000]],
  ]);
});

test('without soft navigations a history change is a page view of its own, without vitals', () => {
  const env = installBrowser();
  const { metrics, report } = vitals();
  start({ site: 'pk_test' }, metrics);
  history.pushState({}, '', '/cart');
  env.paint();
  report('INP', 200);
  env.fire('popstate');
  env.paint();
  env.hide();
  const views = pageViews(env);
  // A popstate that leaves the URL as it is: no new page view.
  assert.deepEqual(views.map((v) => [v.ctx.url, v.ctx.nav]), [
    ['https://shop.example/product/42', 'navigate'],
    ['https://shop.example/cart', 'soft'],
  ]);
  assert.deepEqual(views[0].events.filter((e) => e.t == 'vital').map((e) => e.n), ['TTFB', 'INP']);
  assert.deepEqual(views[1].events.map((e) => e.t), ['route']);
});
