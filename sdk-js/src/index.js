import { onCLS, onFCP, onINP, onLCP } from 'web-vitals';
import { start } from './core.js';
import { resources } from './resources.js';

export { version } from './core.js';
export const init = (options) => start(options, [onLCP, onINP, onCLS, onFCP], undefined, resources);
