import { scrub, strip } from './url.js';

// A browser string cut to the wire's bound; empty ones are left out.
const cut = (s, n = 32) => s?.slice(0, n) || undefined;

// A metric of web-vitals' attribution build -> the wire's `a` (docs/beacon-v1.md); FCP and
// TTFB (plain builds) have none. r: the LCP resource's timing entry; l: the longest
// Long-Animation-Frame script of the INP interaction, s its script timing entry.
export const attribution = (
  { name, attribution: a = {}, entries },
  r = a.lcpResourceEntry,
  l = a.longestScript,
  s = l?.entry,
  p = name == 'LCP'
    ? { ttfb: a.timeToFirstByte, loadDelay: a.resourceLoadDelay, loadDuration: a.resourceLoadDuration, renderDelay: a.elementRenderDelay }
    : name == 'INP'
      ? {
          inputDelay: a.inputDelay,
          processing: a.processingDuration,
          presentation: a.presentationDelay,
          loafScript: a.totalScriptDuration,
          loafStyle: a.totalStyleAndLayoutDuration,
          loafPaint: a.totalPaintDuration,
        }
      : name == 'CLS'
        ? { time: a.largestShiftTime <= 6e5 ? a.largestShiftTime : undefined, value: a.largestShiftValue }
        : undefined,
) => {
  if (p) {
    // A sub-part above the wire's 600000 (a CLS shift late in a long visit) is left out rather
    // than clamped; so are those the browser does not give (no LoAF: no loaf* parts).
    return {
      // web-vitals caps selectors at 100 characters (the wire allows 512).
      tgt: a.target || a.interactionTarget || a.largestShiftTarget,
      url: a.url && scrub(a.url),
      // INP: the first event of the interaction's slowest frame (pointerdown, keydown, ...);
      // LCP and CLS entries have no name.
      ev: cut(entries[0]?.name),
      dt: cut(r?.deliveryType),
      rb: cut(r?.renderBlockingStatus),
      // The script that ran longest during the interaction: its URL scrubbed like page URLs, and
      // query strings cut from the invoker (`IMG[src=https://x/a.png?sig=1].onload`, a script
      // URL).
      scr: s && {
        url: s.sourceURL && scrub(s.sourceURL),
        fn: cut(s.sourceFunctionName, 256),
        inv: cut(strip(s.invoker), 256),
        it: cut(s.invokerType),
        dur: l.intersectingDuration,
      },
      p,
    };
  }
};
