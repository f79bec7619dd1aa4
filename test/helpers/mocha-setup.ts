// Test-wide setup: quiet logs unless asked for, and no stray KIRJURI_* from the developer's shell.
// The browser the tests drive is the one exception: KIRJURI_CHROMIUM (set by .ci/run, or by hand) is kept
// as TEST_CHROMIUM for test/helpers/browser.ts.
if (process.env.KIRJURI_CHROMIUM && !process.env.TEST_CHROMIUM) process.env.TEST_CHROMIUM = process.env.KIRJURI_CHROMIUM;
for (const name of Object.keys(process.env)) if (name.startsWith('KIRJURI_')) delete process.env[name];
process.env.KIRJURI_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
// The AWS SDK (pinned in package.json for Node 20) warns once per process that later releases need Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
