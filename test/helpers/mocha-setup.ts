// Test-wide setup: quiet logs unless asked for, and no stray KIRJURI_* from the developer's shell.
for (const name of Object.keys(process.env)) if (name.startsWith('KIRJURI_')) delete process.env[name];
process.env.KIRJURI_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
