// Delivery: batches events, packs them into beacons under the keepalive size limit, sends
// them with sendBeacon (fetch keepalive as fallback) and keeps what cannot leave the browser
// in localStorage for the next page or the `online` event.

// Browsers refuse keepalive bodies above 64 KiB (in flight, per page); each send stays well
// under it, leaving room for the `sent` stamp added at send time.
export const LIMIT = 6e4;
// The wire allows 200 events per beacon; the queue is flushed at BATCH events, so a beacon
// never holds more.
export const BATCH = 50;
// Kept beacons: the newest 20, so an unreachable collector costs little.
export const KEPT = 20;
const bytes = (x) => new Blob([JSON.stringify(x)]).size;

// take(key): the kept beacons, removed from storage; take(key, b): keeps b after them (the
// newest KEPT). Unreadable storage counts as empty and is replaced.
export const take = (key, b, q = []) => {
  try {
    q = JSON.parse(localStorage[key] || '[]');
  } catch {}
  try {
    b ? (localStorage[key] = JSON.stringify([...q, b].slice(-KEPT))) : localStorage.removeItem(key);
  } catch {}
  return q;
};

// Pending [context, event] pairs -> beacons, in order: a new beacon starts when the page-view
// context changes or the current one would exceed the size limit.
export const pack = (items) => {
  const out = [];
  let b;
  let last;
  let size;
  for (const [c, ev] of items) {
    const n = bytes(ev) + 1;
    if (c != last || size + n > LIMIT)
      out.push((b = { ...c, e: [] })), (size = bytes(c) + 40), (last = c);
    b.e.push(ev);
    size += n;
  }
  return out;
};

export const sender = (url, key, wait) => {
  let q = [];
  let timer;
  const hidden = () => document.visibilityState == 'hidden';
  const post = (b, unload) => {
    b.sent = Date.now();
    const body = JSON.stringify(b);
    // no-cors: any HTTP answer means the collector has the beacon (a 4xx cannot get better);
    // only a network failure is worth a retry. sendBeacon's `false` (queue full) falls back.
    navigator.onLine
      ? (unload && navigator.sendBeacon(url, body)) ||
        fetch(url, { method: 'POST', body, keepalive: true, mode: 'no-cors' }).catch(() =>
          take(key, b),
        )
      : take(key, b);
  };
  const flush = (unload) => {
    timer = clearTimeout(timer);
    pack(q.splice(0)).map((b) => post(b, unload));
  };
  // A page that has been left (unloading, or frozen in the back-forward cache) can still get
  // `online`; it leaves kept beacons to the next page, or else both would send them.
  let gone = 0;
  const retry = () => gone || take(key).map((b) => post(b));
  addEventListener('online', retry);
  addEventListener('pagehide', () => flush((gone = 1)));
  addEventListener('pageshow', (e) => e.persisted && ((gone = 0), retry()));
  addEventListener('visibilitychange', () => hidden() && flush(1));
  retry();
  return {
    add(c, ev) {
      q.push([c, ev]);
      // Reports made while hidden (web-vitals' final CLS/INP) leave at once: the page may be
      // going away.
      hidden()
        ? flush(1)
        : q.length < BATCH
          ? (timer ||= setTimeout(flush, wait))
          : flush();
    },
    flush,
  };
};
