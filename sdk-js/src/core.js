import { rid, sampled, session } from './ids.js';
import { sender } from './sender.js';
import { group, scrub, strip } from './url.js';

export const version = __VERSION__;

// metrics: [onLCP, onINP, onCLS, onFCP] from web-vitals (or its attribution build);
// attribution: maps a metric to the wire's `a` object.
// resources: optional observer of matching resources' Server-Timing (npm builds only).
export const start = (o, metrics, attribution, resources) => {
  const n = navigator;
  const d = document;
  const P = performance;
  const T = P.timeOrigin;
  const on = addEventListener;
  const sid = session();
  // `true` from npm, '' from a bare data-respect-do-not-track attribute.
  const optedOut = /^(true|)$/.test(o.respectDoNotTrack) && (n.doNotTrack == 1 || n.globalPrivacyControl);
  if (!o.site || optedOut || !sampled(sid, o.sampleRate ?? 1)) return;
  const ep = (o.endpoint || location.origin).replace(/\/$/, '');
  const s = sender(ep + '/v1/beacon?k=' + o.site, 'vs_q' + o.site, o.batchMs ?? 5e3);
  // Lists come as arrays (npm) or comma-separated strings (script tag data-* attributes).
  const list = (x) => String(x ?? '').split(',');
  // Page URLs, and URLs handled like them.
  const here = (u = location.href) => scrub(u, list(o.query));
  let seq = 0;
  let errors;
  let cur;

  const view = (type, st, ref, u = location.href) => (
    (errors = {}),
    (cur = {
      v: 1,
      pv: rid(),
      sid,
      url: here(u),
      grp: group(new URL(u).pathname, list(o.routes)),
      nav: type,
      st,
      ref,
      ect: n.connection?.effectiveType,
      mem: n.deviceMemory,
      cpu: n.hardwareConcurrency,
      vw: innerWidth,
      vh: innerHeight,
      rel: o.release,
      tags: o.tags,
      sdk: version,
    })
  );
  const add = (pv, ev) => {
    ev.id = pv.pv + ++seq;
    ev.ts ??= Date.now();
    s.add(pv, ev);
  };
  // Navigation types as web-vitals names them (its metrics carry the same ones).
  const nav = P.getEntriesByType('navigation')[0];
  let hard = view(
    d.prerendering || nav?.activationStart > 0 ? 'prerender' : d.wasDiscarded ? 'restore' : nav?.type.replace('_', '-'),
    T,
    d.referrer && scrub(d.referrer),
  );

  const timings = (e, res) =>
    e.serverTiming?.map((x) =>
      add(cur, {
        t: 'st',
        ts: T + e.responseStart,
        n: x.name.slice(0, 64),
        dur: Math.min(x.duration, 6e5),
        desc: x.description.slice(0, 256),
        res,
      }),
    );
  nav && timings(nav);
  resources?.(o, ep, timings);

  // An error already reported in this page view is counted on its report while that report
  // still waits in the batch, and not reported again; at most maxErrors distinct ones are.
  // Query strings are cut from the URLs in its source and stack like from page URLs. Its time
  // is the event's: queued events are reported late.
  const error = (e, x, type = x?.name, msg = x?.message ?? x, src = '', k = type + msg + src) =>
    errors[k]
      ? errors[k].cnt++
      : Object.keys(errors).length < (o.maxErrors ?? 10) &&
        add(cur, (errors[k] = {
          t: 'err',
          ts: T + e.timeStamp,
          msg: ('' + msg).slice(0, 1024),
          type: type?.slice(0, 64),
          src: src.slice(0, 512),
          stack: x?.stack && strip(x.stack).slice(0, 4096),
          cnt: 1,
        }));
  // One capturing listener sees both script errors (target: window) and failed loads of
  // elements (img, script, link, ...), whose `error` does not bubble. A failed load is type
  // `resource`, its message the element's name, its source the URL scrubbed like page URLs
  // (an SVG element's href is no string: left out).
  const report = (e, t = e.target, u = t.src || t.href) =>
    'reason' in e
      ? error(e, e.reason, 'unhandledrejection')
      : t == self
        ? error(e, e.error, undefined, e.error?.message ?? e.message, (e.filename && scrub(e.filename)) + ':' + e.lineno + ':' + e.colno)
        : u?.length && error(e, 0, 'resource', t.localName, here(u));
  on('error', report, 1);
  on('unhandledrejection', report);
  // What the inline early-errors snippet (early.js) queued before this script ran, once: the
  // queue is closed as it is drained, so every later event reaches only the listeners above.
  self.vs_e?.map((e) => report(e));
  self.vs_e = null;

  // SPA route change: a new page view, its route event added at the next animation frame, when
  // the new route's DOM is about to be painted (its `dur`: from the start to that frame).
  const route = (u, t0, from = cur.url, pv = view('soft', T + t0, undefined, u)) => (
    requestAnimationFrame(() => add(pv, { t: 'route', ts: T + t0, from, dur: Math.min(P.now() - t0, 6e5) })), pv
  );
  // Soft navigations the browser detects (Chromium: a user interaction that changes the URL
  // and paints): each is its own page view, made when the first metric of its navigation id
  // comes (web-vitals reports its FCP as soon as it sees the soft-navigation entry).
  const soft = {};
  const native = PerformanceObserver.supportedEntryTypes.includes('soft-navigation');

  // Vitals belong to the page view of the navigation they were measured for: the document's
  // (hard navigation or bfcache restore), or a soft navigation's (the SPA's route views in
  // browsers without soft navigations carry no vitals: none are invented for them).
  const vital = (m, pv = m.navigationType == 'soft-navigation' ? (soft[m.navigationId] ||= route(m.navigationURL, m.navigationStartTime)) : hard) =>
    // A value the wire refuses would cost the whole beacon: such a report is dropped.
    m.value <= (m.name == 'CLS' ? 100 : 6e5) &&
    add(pv, { t: 'vital', n: m.name, val: m.value, d: m.delta, r: m.rating, a: attribution?.(m) });
  metrics.map((f) => f(vital, { reportSoftNavs: 1 }));
  // TTFB is the document's alone (nothing for soft navigations or bfcache restores), so it is
  // read here rather than taken from web-vitals (as web-vitals reads it: the response start
  // counted from the activation of a prerendered page, a bogus 0 left out); the collector rates it.
  const ttfb = (v = nav?.responseStart) => v > 0 && vital({ name: 'TTFB', value: Math.max(v - (nav.activationStart || 0), 0) });
  d.prerendering ? on('prerenderingchange', () => ttfb()) : ttfb();
  on('pageshow', (e) => e.persisted && (hard = view('back-forward-cache', T + e.timeStamp)));

  // Without soft navigations (Firefox, Safari): a history change to another URL is a route
  // change, timed from the event being handled when it happened (the click of a link), else
  // from the history call.
  const moved = () => native || here() == cur.url || route(location.href, self.event?.timeStamp ?? P.now());
  ['pushState', 'replaceState'].map((k) => {
    const f = history[k];
    history[k] = (...a) => (f.apply(history, a), moved());
  });
  on('popstate', moved);
  return { flush: s.flush };
};
