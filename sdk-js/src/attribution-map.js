import { scrub } from './url.js';

// Per metric: web-vitals attribution field of the target, of the resource URL ('-': none),
// then wire sub-part name:attribution field.
const FIELDS = {
  LCP: 'target url ttfb:timeToFirstByte loadDelay:resourceLoadDelay loadDuration:resourceLoadDuration renderDelay:elementRenderDelay',
  INP: 'interactionTarget - inputDelay:inputDelay processing:processingDuration presentation:presentationDelay',
  CLS: 'largestShiftTarget - time:largestShiftTime value:largestShiftValue',
};

export const attribution = ({ name, attribution: a, entries }) => {
  const [tgt, url, ...parts] = FIELDS[name]?.split(' ') ?? [];
  const p = {};
  // web-vitals' sub-parts are >= 0; one above the wire's 600000 (a CLS shift late in a long
  // visit) is left out rather than clamped.
  for (const x of parts) {
    const [k, f] = x.split(':');
    a[f] <= 6e5 && (p[k] = a[f]);
  }
  return (
    tgt && {
      // web-vitals caps selectors at 100 characters (the wire allows 512).
      tgt: a[tgt],
      url: a[url] && scrub(a[url]),
      // The event whose handlers ran longest names the interaction (click, keydown, ...).
      ev:
        name == 'INP'
          ? entries.reduce((x, y) => (y.processingEnd - y.processingStart > x.processingEnd - x.processingStart ? y : x)).name
          : undefined,
      p,
    }
  );
};
