// The optional inline snippet (docs/sdk.md), put in <head> before anything else: it queues
// errors, unhandled rejections and failed resource loads (capturing: their `error` does not
// bubble) that happen before the deferred SDK runs. The SDK drains the queue once and closes
// it (vs_e = null); at most 20 events are kept meanwhile.
self.vs_e = [];
const f = (e) => self.vs_e?.length < 20 && self.vs_e.push(e);
addEventListener('error', f, 1);
addEventListener('unhandledrejection', f);
