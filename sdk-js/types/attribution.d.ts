// Same API as the core build; metrics also carry their attribution (LCP element and
// sub-parts, INP target/event/phases, CLS largest shift).
export { init, version } from './index.js';
export type { Options, Vitalscope } from './index.js';
