// Runs Azurite for as long as whoever started this script keeps our stdin open.
// The end-to-end test fixture starts Azurite through this script: if the test host crashes or is
// killed, its end of the pipe closes and Azurite stops with it instead of lingering on its ports.
'use strict';
const { spawn } = require('child_process');

const azurite = spawn(process.execPath, [require.resolve('azurite/dist/src/azurite.js'), ...process.argv.slice(2)], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stop = () => azurite.kill('SIGKILL');

process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
azurite.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
