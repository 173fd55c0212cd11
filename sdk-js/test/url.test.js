import assert from 'node:assert/strict';
import { test } from 'node:test';
import { group, scrub, strip } from '../src/url.js';
import { installBrowser } from './browser.js';

installBrowser();

test('query and fragment are stripped unless a parameter is kept', () => {
  assert.equal(scrub('https://shop.example/a/b?token=s3cret&utm=x#frag'), 'https://shop.example/a/b');
  assert.equal(scrub('https://shop.example/search?q=shoes&page=2&email=a%40b.c', ['q', 'page']), 'https://shop.example/search?q=shoes&page=2');
  assert.equal(scrub('https://shop.example/?email=a%40b.c', ['q']), 'https://shop.example/');
});

test('urls are cut to the 2048 characters the wire accepts', () => {
  const long = 'https://shop.example/' + 'x'.repeat(5000);
  assert.equal(scrub(long).length, 2048);
});

test('route patterns give the page group, first match wins', () => {
  const routes = ['/product/:id', '/blog/*', '/', '/cart'];
  assert.equal(group('/product/42', routes), '/product/:id');
  assert.equal(group('/product/42/', routes), '/product/:id');
  assert.equal(group('/product/42/reviews', routes), undefined);
  assert.equal(group('/blog/2026/11/hello', routes), '/blog/*');
  assert.equal(group('/', routes), '/');
  assert.equal(group('/cart', routes), '/cart');
  assert.equal(group('/cartoon', routes), undefined);
  assert.equal(group('/anything', ['']), undefined);
});

test('query strings are cut from the URLs inside a text', () => {
  assert.equal(strip('at f (https://x.example/a.js?v=1&t=s3cret:3:7)\n  at g (b.js?x:1:1)'), 'at f (https://x.example/a.js:3:7)\n  at g (b.js:1:1)');
  assert.equal(strip('BUTTON#buy.onclick'), 'BUTTON#buy.onclick');
});
