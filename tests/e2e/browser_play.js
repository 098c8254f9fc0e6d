// Plays a node's player page in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core from web/node_modules) and prints one JSON line: how far the video's
// currentTime got, the player's errors, and when the first frame showed.
//   node tests/e2e/browser_play.js URL SECONDS PROFILE_DIR
// Exits 0 once currentTime passed SECONDS with no player error; 1 otherwise (the JSON
// line says why).
const path = require('path');
const { createRequire } = require('module');

const requireWeb = createRequire(path.join(__dirname, '..', '..', 'web', 'package.json'));
const { chromium } = requireWeb('playwright-core');

const [url, secondsText, profile] = process.argv.slice(2);
const seconds = Number(secondsText || 3);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

(async () => {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
           '--autoplay-policy=no-user-gesture-required'],
  });
  const result = { url, currentTime: 0, errors: [], console: [], firstFrameSeconds: null };
  try {
    const page = await context.newPage();
    page.on('console', message => { if (message.type() === 'error') result.console.push(message.text()); });
    page.on('pageerror', error => result.errors.push('page: ' + error.message));
    const started = Date.now();
    await page.goto(url);
    const deadline = started + (seconds + 25) * 1000;
    while (Date.now() < deadline) {
      const state = await page.evaluate(() => window.mmidsPlayer ? {
        currentTime: window.mmidsPlayer.currentTime, errors: window.mmidsPlayer.errors } : null);
      if (state) {
        result.currentTime = state.currentTime;
        result.errors.push(...state.errors.filter(e => !result.errors.includes(e)));
        if (state.currentTime > 0 && result.firstFrameSeconds === null) {
          result.firstFrameSeconds = (Date.now() - started) / 1000;
        }
        if (state.errors.length || state.currentTime >= seconds) break;
      }
      await page.waitForTimeout(100);
    }
  } finally {
    await context.close();
  }
  console.log(JSON.stringify(result));
  process.exit(result.errors.length === 0 && result.currentTime >= seconds ? 0 : 1);
})().catch(error => {
  console.log(JSON.stringify({ url, errors: ['driver: ' + error.message] }));
  process.exit(1);
});
