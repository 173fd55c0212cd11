import { onCLS, onFCP, onINP, onLCP } from 'web-vitals';
import { start } from './core.js';
import { auto } from './script.js';

export const sdk = auto((options) => start(options, [onLCP, onINP, onCLS, onFCP]));
