import { onCLS } from 'web-vitals/attribution/onCLS.js';
import { onINP } from 'web-vitals/attribution/onINP.js';
import { onLCP } from 'web-vitals/attribution/onLCP.js';
import { onFCP } from 'web-vitals/onFCP.js';
import { attribution } from './attribution-map.js';
import { start } from './core.js';
import { resources } from './resources.js';

export { version } from './core.js';
// FCP attribution is not reported, so its plain version keeps the bundle small.
export const init = (options) => start(options, [onLCP, onINP, onCLS, onFCP], attribution, resources);
