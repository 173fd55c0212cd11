import { onCLS } from 'web-vitals/attribution/onCLS.js';
import { onINP } from 'web-vitals/attribution/onINP.js';
import { onLCP } from 'web-vitals/attribution/onLCP.js';
import { onFCP } from 'web-vitals/onFCP.js';
import { onTTFB } from 'web-vitals/onTTFB.js';
import { attribution } from './attribution-map.js';
import { start } from './core.js';
import { resources } from './resources.js';

export { version } from './core.js';
// FCP and TTFB attribution is not reported, so their plain versions keep the bundle small.
export const init = (options) => start(options, [onLCP, onINP, onCLS, onFCP, onTTFB], attribution, resources);
