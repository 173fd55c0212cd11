import { rid, sampled, session } from './ids.js';
import { sender } from './sender.js';
import { group, scrub } from './url.js';

export const version = __VERSION__;

// metrics: [onLCP, onINP, onCLS, onFCP, onTTFB] from web-vitals (or its attribution build);
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

  const view = (type, st, ref) => (
    (errors = {}),
    (cur = {
      v: 1,
      pv: rid(),
      sid,
      url: here(),
      grp: group(location.pathname, list(o.routes)),
      nav: type,
      st,
      ref,
      dev: /Mobi/.test(n.userAgent) ? 'mobile' : /Android|iPad/.test(n.userAgent) ? 'tablet' : 'desktop',
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
  resources?.(o.serverTimingResources, ep, timings);

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
          stack: x?.stack?.replace(/\?[^\s):]*/g, '').slice(0, 4096),
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

  // Vitals belong to the document's page view (hard navigation or bfcache restore): web-vitals
  // does not split them by route, so SPA page views carry no invented vitals.
  metrics.map((f) =>
    f(
      (m) =>
        // A value the wire refuses would cost the whole beacon: such a report is dropped.
        m.value <= (m.name == 'CLS' ? 100 : 6e5) &&
        add(hard, { t: 'vital', n: m.name, val: m.value, d: m.delta, r: m.rating, a: attribution?.(m) }),
    ),
  );
  on('pageshow', (e) => e.persisted && (hard = view('back-forward-cache', T + e.timeStamp)));

  // SPA route change: a new page view, with the time from the input that caused it (or the
  // history call) to the next animation frame, when the new route's DOM is about to be painted.
  let input = -1e4;
  on('pointerdown', (e) => (input = e.timeStamp), 1);
  on('keydown', (e) => (input = e.timeStamp), 1);
  const route = (from = cur.url, now = P.now(), t0 = now - input < 1e3 ? input : now, pv) =>
    here() != from &&
    ((pv = view('soft', T + t0)),
    requestAnimationFrame(() => add(pv, { t: 'route', ts: T + t0, from, dur: Math.min(P.now() - t0, 6e5) })));
  ['pushState', 'replaceState'].map((k) => {
    const f = history[k];
    history[k] = function () {
      f.apply(this, arguments);
      route();
    };
  });
  on('popstate', () => route());
  return { flush: s.flush };
};
