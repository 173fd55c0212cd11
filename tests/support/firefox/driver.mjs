// Firefox for the SDK's browser tests: Debian's firefox-esr launched by puppeteer-core over
// WebDriver BiDi (no geckodriver), one page, driven by the Python tests through JSON lines on
// stdin/stdout (tests/support/firefox.py): {"op": "goto"|"click"|"eval", "arg": ...} in,
// {"ok": value} or {"error": text} out, in order.
import { createInterface } from 'node:readline';
import puppeteer from 'puppeteer-core';

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
  headless: true,
  // Nothing but the test servers on 127.0.0.1: no update, telemetry or remote settings calls.
  extraPrefsFirefox: {
    'app.update.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'network.connectivity-service.enabled': false,
    'network.captive-portal-service.enabled': false,
    'browser.safebrowsing.update.enabled': false,
  },
});
const page = await browser.newPage();
const ops = {
  goto: (url) => page.goto(url).then(() => null),
  click: (selector) => page.click(selector).then(() => null),
  eval: (expression) => page.evaluate(expression),
};
const say = (reply) => process.stdout.write(JSON.stringify(reply) + '\n');
say({ ok: await browser.version() });
for await (const line of createInterface({ input: process.stdin })) {
  const { op, arg } = JSON.parse(line);
  try {
    say({ ok: (await ops[op](arg)) ?? null });
  } catch (e) {
    say({ error: String(e?.stack || e) });
  }
}
await browser.close();
