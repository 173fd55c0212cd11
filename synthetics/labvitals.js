// Lab Web Vitals of the current document, in the names and units of the RUM data (ms; CLS
// unitless), read by the runner after each step. Kept small and dependency-free: it runs
// before any script of the page (Playwright init script) in every document of a run.
(() => {
  if (window.__vitalscopeLab) return;
  const lab = { id: Math.random().toString(36).slice(2), url: location.href, values: {} };
  const observers = [];
  // Observer callbacks arrive late; a reading takes the queued entries first.
  lab.read = () => {
    observers.forEach(([o, fn]) => o.takeRecords().forEach(fn));
    nav();
    return { id: lab.id, url: lab.url, values: lab.values };
  };
  window.__vitalscopeLab = lab;
  const observe = (type, fn, extra) => {
    try {
      const o = new PerformanceObserver((list) => list.getEntries().forEach(fn));
      o.observe(Object.assign({ type, buffered: true }, extra || {}));
      observers.push([o, fn]);
    } catch (e) { /* entry type not supported by this browser */ }
  };
  observe("paint", (e) => {
    if (e.name === "first-contentful-paint") lab.values.FCP = e.startTime;
  });
  observe("largest-contentful-paint", (e) => { lab.values.LCP = e.startTime; });
  // CLS as web-vitals computes it: the largest session window (gaps < 1 s, at most 5 s).
  let windowValue = 0, windowStart = 0, windowLast = 0;
  observe("layout-shift", (e) => {
    if (e.hadRecentInput) return;
    if (windowValue && e.startTime - windowLast < 1000 && e.startTime - windowStart < 5000) {
      windowValue += e.value;
    } else {
      windowValue = e.value; windowStart = e.startTime;
    }
    windowLast = e.startTime;
    lab.values.CLS = Math.max(lab.values.CLS || 0, windowValue);
  });
  // INP: the slowest interaction (a lab run has too few for the 98th percentile to differ).
  observe("event", (e) => {
    if (e.interactionId) lab.values.INP = Math.max(lab.values.INP || 0, e.duration);
  }, { durationThreshold: 16 });
  // Fast interactions stay under the event threshold; the first one is always reported.
  observe("first-input", (e) => { lab.values.INP = Math.max(lab.values.INP || 0, e.duration); });
  function nav() {
    const entry = performance.getEntriesByType("navigation")[0];
    if (entry && entry.responseStart > 0) lab.values.TTFB = entry.responseStart;
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    if (fcp) lab.values.FCP = fcp.startTime;
  }
  nav();
  if (!("CLS" in lab.values)) lab.values.CLS = 0;
  addEventListener("DOMContentLoaded", nav);
})();
