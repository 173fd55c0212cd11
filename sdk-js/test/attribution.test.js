// web-vitals attribution -> the wire's `a` object (docs/beacon-v1.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installBrowser } from './browser.js';

const { attribution } = await import('../src/attribution-map.js');

test('LCP: element, resource URL scrubbed, delivery type and render-blocking status, sub-parts', () => {
  installBrowser();
  const a = attribution({
    name: 'LCP',
    entries: [{ name: '' }],
    attribution: {
      target: 'main>img.hero',
      url: 'https://cdn.example/hero.webp?sig=s3cret',
      timeToFirstByte: 120,
      resourceLoadDelay: 300,
      resourceLoadDuration: 900,
      elementRenderDelay: 510.5,
      lcpResourceEntry: { deliveryType: 'cache', renderBlockingStatus: 'non-blocking' },
    },
  });
  assert.deepEqual(JSON.parse(JSON.stringify(a)), {
    tgt: 'main>img.hero',
    url: 'https://cdn.example/hero.webp',
    dt: 'cache',
    rb: 'non-blocking',
    p: { ttfb: 120, loadDelay: 300, loadDuration: 900, renderDelay: 510.5 },
  });
  // A text LCP: no resource; an empty delivery type (a network fetch) is left out.
  const text = attribution({ name: 'LCP', entries: [], attribution: { target: 'h1', lcpResourceEntry: { deliveryType: '' } } });
  assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(text))), ['tgt', 'p']);
});

test('INP: target, event, phases, the longest script of its frames and their totals', () => {
  installBrowser();
  const script = {
    sourceURL: 'https://widgets.example/w.js?key=secret#x',
    sourceFunctionName: 'onBuy',
    invoker: 'IMG[src=https://shop.example/a.png?sig=1].onload',
    invokerType: 'event-listener',
  };
  const a = attribution({
    name: 'INP',
    entries: [{ name: 'pointerup' }, { name: 'click' }],
    attribution: {
      interactionTarget: 'button#buy',
      inputDelay: 20,
      processingDuration: 180,
      presentationDelay: 40,
      longestScript: { entry: script, subpart: 'processing-duration', intersectingDuration: 170 },
      totalScriptDuration: 175,
      totalStyleAndLayoutDuration: 12,
      totalPaintDuration: 8,
    },
  });
  assert.deepEqual(JSON.parse(JSON.stringify(a)), {
    tgt: 'button#buy',
    ev: 'pointerup',
    scr: { url: 'https://widgets.example/w.js', fn: 'onBuy', inv: 'IMG[src=https://shop.example/a.png', it: 'event-listener', dur: 170 },
    p: { inputDelay: 20, processing: 180, presentation: 40, loafScript: 175, loafStyle: 12, loafPaint: 8 },
  });
  // Strings are cut to the wire's bounds; an inline handler has no function name.
  const long = attribution({
    name: 'INP',
    entries: [{ name: 'keydown' }],
    attribution: { longestScript: { entry: { sourceURL: '', sourceFunctionName: '', invoker: 'x'.repeat(300), invokerType: 'y'.repeat(40) }, intersectingDuration: 5 } },
  });
  assert.deepEqual(long.scr, { url: '', fn: undefined, inv: 'x'.repeat(256), it: 'y'.repeat(32), dur: 5 });
  // No Long Animation Frames (Firefox, Safari): no script, no loaf* parts.
  const plain = attribution({ name: 'INP', entries: [], attribution: { interactionTarget: 'a', inputDelay: 1, processingDuration: 2, presentationDelay: 3 } });
  assert.deepEqual(JSON.parse(JSON.stringify(plain)), { tgt: 'a', p: { inputDelay: 1, processing: 2, presentation: 3 } });
});

test('CLS: largest shift; a shift time past the wire bound is left out; FCP and TTFB carry none', () => {
  installBrowser();
  const a = attribution({ name: 'CLS', entries: [{ name: '' }], attribution: { largestShiftTarget: 'div.banner', largestShiftTime: 2100, largestShiftValue: 0.09 } });
  assert.deepEqual(JSON.parse(JSON.stringify(a)), { tgt: 'div.banner', p: { time: 2100, value: 0.09 } });
  const late = attribution({ name: 'CLS', entries: [], attribution: { largestShiftTime: 700_000, largestShiftValue: 0.2 } });
  assert.deepEqual(JSON.parse(JSON.stringify(late.p)), { value: 0.2 });
  assert.equal(attribution({ name: 'FCP', entries: [] }), undefined);
  assert.equal(attribution({ name: 'TTFB' }), undefined);
});
