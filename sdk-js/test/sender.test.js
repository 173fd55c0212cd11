import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { KEPT, LIMIT, pack, sender } from '../src/sender.js';
import { installBrowser, sleep } from './browser.js';

const URL_ = 'https://rum.example/v1/beacon?k=pk_test';
const ctx = { v: 1, pv: 'pageview0001', sid: 'session00001', url: 'https://shop.example/', st: 1 };
let env;
let seq = 0;
const ev = (extra = {}) => ({ t: 'err', id: 'e' + String(++seq).padStart(8, '0'), ts: Date.now(), msg: 'boom', ...extra });

beforeEach(() => {
  env = installBrowser();
});

test('events wait for the batch timer, then leave in one request', async () => {
  const s = sender(URL_, 'vs_q', 30);
  s.add(ctx, ev());
  s.add(ctx, ev());
  s.add(ctx, ev());
  assert.equal(env.sent.length, 0);
  await sleep(60);
  assert.equal(env.sent.length, 1);
  const [{ via, url, init, body }] = env.sent;
  assert.equal(via, 'fetch');
  assert.equal(url, URL_);
  assert.equal(init.keepalive, true);
  assert.equal(init.mode, 'no-cors');
  assert.equal(body.e.length, 3);
  assert.equal(body.pv, ctx.pv);
  assert.ok(body.sent >= body.e[0].ts);
});

test('a full batch leaves without waiting', () => {
  const s = sender(URL_, 'vs_q', 60_000);
  for (let i = 0; i < 50; i++) s.add(ctx, ev());
  assert.equal(env.sent.length, 1);
  assert.equal(env.sent[0].body.e.length, 50);
});

test('hidden page: queue leaves by sendBeacon, later reports leave at once', () => {
  const s = sender(URL_, 'vs_q', 60_000);
  s.add(ctx, ev());
  env.hide();
  assert.deepEqual(env.sent.map((x) => x.via), ['beacon']);
  s.add(ctx, ev({ msg: 'late' }));
  assert.deepEqual(env.sent.map((x) => x.via), ['beacon', 'beacon']);
  assert.equal(env.sent[1].body.e[0].msg, 'late');
});

test('pagehide flushes', () => {
  const s = sender(URL_, 'vs_q', 60_000);
  s.add(ctx, ev());
  env.fire('pagehide');
  assert.equal(env.sent.length, 1);
  assert.equal(env.sent[0].via, 'beacon');
});

test('a refused sendBeacon falls back to fetch keepalive', () => {
  const s = sender(URL_, 'vs_q', 60_000);
  env.beaconAccepts = false;
  s.add(ctx, ev());
  env.hide();
  assert.equal(env.sent.length, 1);
  assert.equal(env.sent[0].via, 'fetch');
  assert.equal(env.sent[0].init.keepalive, true);
});

test('offline: kept in localStorage, sent exactly once when back online', async () => {
  const s = sender(URL_, 'vs_q', 60_000);
  env.online = false;
  const events = [ev(), ev(), ev()];
  for (const e of events) s.add(ctx, e);
  s.flush();
  env.hide();
  assert.equal(env.sent.length, 0);
  assert.equal(JSON.parse(localStorage.vs_q).length, 1);
  env.online = true;
  env.fire('online');
  env.fire('online');
  await sleep(10);
  assert.equal(env.sent.length, 1);
  assert.deepEqual(env.sent[0].body.e.map((e) => e.id), events.map((e) => e.id));
  assert.equal(localStorage.vs_q, undefined);
});

test('a failed send is retried by the next page, with the same event ids', async () => {
  const s = sender(URL_, 'vs_q', 60_000);
  env.fetchFails = true;
  const e = ev();
  s.add(ctx, e);
  s.flush();
  await sleep(10);
  assert.equal(env.sent.length, 0);
  const kept = JSON.parse(localStorage.vs_q);
  assert.equal(kept.length, 1);
  env.fetchFails = false;
  // The next page of the site: a new sender finds the kept beacon and sends it.
  sender(URL_, 'vs_q', 60_000);
  await sleep(10);
  assert.equal(env.sent.length, 1);
  assert.equal(env.sent[0].body.e[0].id, e.id);
  assert.ok(env.sent[0].body.sent >= kept[0].sent);
  sender(URL_, 'vs_q', 60_000);
  await sleep(10);
  assert.equal(env.sent.length, 1, 'a delivered beacon is not sent again');
});

test('kept beacons are bounded', () => {
  const s = sender(URL_, 'vs_q', 60_000);
  env.online = false;
  for (let i = 0; i < KEPT + 15; i++) {
    s.add(ctx, ev({ msg: 'n' + i }));
    s.flush();
  }
  const kept = JSON.parse(localStorage.vs_q);
  assert.equal(kept.length, KEPT);
  assert.equal(kept.at(-1).e[0].msg, 'n' + (KEPT + 14), 'the newest are kept');
});

test('every send stays under the 64 KiB keepalive limit, nothing lost, order kept', () => {
  const other = { ...ctx, pv: 'pageview0002' };
  const items = [];
  for (let i = 0; i < 300; i++) items.push([i % 7 ? ctx : other, ev({ stack: 'é€😀'.repeat(250) + i })]);
  const beacons = pack(items);
  assert.ok(beacons.length > 3);
  for (const b of beacons) {
    b.sent = Date.now();
    const size = Buffer.byteLength(JSON.stringify(b));
    assert.ok(size < 65536 && size <= LIMIT + 100, `beacon of ${size} bytes`);
    assert.ok(b.e.length <= 200);
  }
  assert.deepEqual(beacons.flatMap((b) => b.e.map((e) => e.id)), items.map(([, e]) => e.id));
  for (const b of beacons) assert.ok(b.e.every((e) => items.find(([, x]) => x == e)[0].pv == b.pv));
});
