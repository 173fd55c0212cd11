// A small stand-in for the browser globals the SDK touches, so delivery and wiring can be
// unit-tested in Node. The real thing is exercised in Chromium by tests/e2e (pytest).
const nodePerformance = globalThis.performance;

// softNavs: the browser reports soft navigations (Chromium); nav: fields of the navigation entry.
export const installBrowser = ({ href = 'https://shop.example/product/42?token=secret#top', serverTiming = [], softNavs = false, nav = {} } = {}) => {
  const win = new EventTarget();
  const env = { sent: [], online: true, beaconAccepts: true, fetchFails: false, frames: [] };
  env.nav = { type: 'navigate', responseStart: 12, serverTiming, ...nav };
  const storage = () => Object.defineProperty({}, 'removeItem', { value(k) { delete this[k]; } });
  const define = (name, value) => Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  // Browsers take any value as `useCapture` (WebIDL boolean); Node's EventTarget does not.
  define('addEventListener', (type, fn, capture) => win.addEventListener(type, fn, { capture: !!capture }));
  define('dispatchEvent', win.dispatchEvent.bind(win));
  // The window: what `self` names and the target of its own events.
  define('self', win);
  define('location', new URL(href));
  define('innerWidth', 390);
  define('innerHeight', 844);
  define('localStorage', storage());
  define('sessionStorage', storage());
  define('document', { visibilityState: 'visible', referrer: 'https://search.example/q?who=me', prerendering: false });
  define('history', {
    pushState(_s, _t, url) { location.href = new URL(url, location.href).href; },
    replaceState(_s, _t, url) { location.href = new URL(url, location.href).href; },
  });
  define('requestAnimationFrame', (cb) => env.frames.push(cb));
  // Node's own clock: events' timeStamp counts from its timeOrigin, as in a browser.
  define('performance', {
    timeOrigin: nodePerformance.timeOrigin,
    now: () => nodePerformance.now(),
    getEntriesByType: (type) => (type == 'navigation' ? [env.nav] : []),
  });
  define('PerformanceObserver', { supportedEntryTypes: ['event', 'largest-contentful-paint', 'navigation', 'paint', ...(softNavs ? ['soft-navigation'] : [])] });
  define('navigator', {
    get onLine() { return env.online; },
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131 Mobile Safari/537.36',
    hardwareConcurrency: 8,
    deviceMemory: 4,
    connection: { effectiveType: '4g' },
    sendBeacon(url, body) {
      if (!env.beaconAccepts) return false;
      env.sent.push({ via: 'beacon', url, size: Buffer.byteLength(body), body: JSON.parse(body) });
      return true;
    },
  });
  define('fetch', async (url, init) => {
    if (env.fetchFails) throw new TypeError('Failed to fetch');
    env.sent.push({ via: 'fetch', url, init, size: Buffer.byteLength(init.body), body: JSON.parse(init.body) });
    return { status: 0, type: 'opaque' };
  });
  env.fire = (type, props = {}) => {
    const e = new Event(type);
    for (const [k, value] of Object.entries(props)) Object.defineProperty(e, k, { value });
    dispatchEvent(e);
  };
  env.hide = () => {
    document.visibilityState = 'hidden';
    env.fire('visibilitychange');
  };
  env.paint = () => env.frames.splice(0).forEach((cb) => cb(performance.now()));
  env.events = () => env.sent.flatMap((s) => s.body.e);
  return env;
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
