import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rid, sampled, session } from '../src/ids.js';
import { installBrowser } from './browser.js';

test('ids match the wire format and do not repeat', () => {
  const ids = new Set(Array.from({ length: 5000 }, rid));
  assert.equal(ids.size, 5000);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{8,64}$/);
});

test('the tab-session id lives in sessionStorage', () => {
  installBrowser();
  const sid = session();
  assert.equal(session(), sid);
  assert.equal(sessionStorage.vs_sid, sid);
});

test('sampling is sticky per session and close to the rate', () => {
  const sids = Array.from({ length: 4000 }, rid);
  for (const sid of sids) assert.equal(sampled(sid, 0.3), sampled(sid, 0.3));
  assert.equal(sids.filter((s) => sampled(s, 0)).length, 0);
  assert.equal(sids.filter((s) => sampled(s, 1)).length, sids.length);
  const share = sids.filter((s) => sampled(s, 0.25)).length / sids.length;
  assert.ok(share > 0.2 && share < 0.3, `share ${share}`);
  // A higher rate keeps every session a lower one kept: raising it never drops a session.
  assert.ok(sids.every((s) => !sampled(s, 0.1) || sampled(s, 0.5)));
});
