import { scrub } from './url.js';

// Server-Timing of resources whose URL matches `pattern` (same-origin, or cross-origin with
// Timing-Allow-Origin), never of the SDK's own beacons.
export const resources = ({ serverTimingResources: pattern }, endpoint, report) =>
  pattern &&
  new PerformanceObserver((l) =>
    l.getEntries().map((e) => new RegExp(pattern).test(e.name) && !e.name.startsWith(endpoint) && report(e, scrub(e.name))),
  ).observe({ type: 'resource', buffered: true });
