// Runs Azurite for as long as whoever started this script keeps our stdin open.
// The end-to-end test fixture starts Azurite through this script: if the test host crashes or is
// killed, its end of the pipe closes and Azurite stops with it instead of lingering on its ports.
// With --process-per-service, blobs, queues and tables each get a process of their own (Azurite is
// single-threaded: under load one process is the limit; the benchmarks use this, as ./run.sh does).
'use strict';
const { spawn } = require('child_process');

const args = process.argv.slice(2);
const perService = args.includes('--process-per-service');
const common = args.filter((arg, i) => arg !== '--process-per-service' && !/^--(blob|queue|table)(Host|Port)$/.test(arg)
  && !/^--(blob|queue|table)(Host|Port)$/.test(args[i - 1] ?? ''));
const own = (service) => args.flatMap((arg, i) => new RegExp(`^--${service}(Host|Port)$`).test(arg) ? [arg, args[i + 1]] : []);

const children = perService
  ? ['blob', 'queue', 'table'].map((service) => [require.resolve(`azurite/dist/src/${service}/main.js`), ...common, ...own(service)])
  : [[require.resolve('azurite/dist/src/azurite.js'), ...args]];
// Every service starts with the queue sweep's interval set (azurite-queue-sweep.js) and the table service's lookups by
// key (azurite-table-index.js); each script acts only in its own service.
const preload = ['--require', require.resolve('./azurite-queue-sweep.js'), '--require', require.resolve('./azurite-table-index.js')];
const running = children.map((argv) => spawn(process.execPath, [...preload, ...argv], { stdio: ['ignore', 'inherit', 'inherit'] }));
const stop = () => running.forEach((child) => child.kill('SIGKILL'));

process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// One service gone is Azurite gone: the rest are stopped, and the exit code is the first's.
running.forEach((child) => child.on('exit', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 1 : 0));
}));
