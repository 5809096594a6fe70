// The lookups azurite-table-index.js speeds up, timed in one node process over a table shaped as ours (five rows per
// event, all summaries under one row key): a point read and rewrite of a summary, and an event's partition query, each
// without the preload (PATCH=0) and with it (PATCH=1). The figures in the preload's header and docs/benchmarks.md come from it.
'use strict';
// Run from the repository root: node scripts/azurite-table-index.bench.js (E=20000 for a larger table).
process.argv[1] = "/x/azurite/dist/src/table/main.js"; // as if in the table service, so that the preload installs itself
const path = require('path');
const persistence = path.dirname(require.resolve('azurite/dist/src/table/persistence/LokiTableMetadataStore.js'));
const Loki = require(require.resolve('lokijs', { paths: [persistence] }));
const Gen = require(path.join(persistence, 'LokiTableStoreQueryGenerator.js')).default;
const patched = process.env.PATCH === '1';
if (patched) require("./azurite-table-index.js");
const db = new Loki('x', { persistenceMethod: 'memory' });
const c = db.addCollection('t', { indices: ['PartitionKey', 'RowKey'] });
const E = Number(process.env.E || 5000);
for (let e = 0; e < E; e++) for (const rk of ['summary', 'h|1', 'h|2', 's|shop|user', 's|shop|invite']) c.insert({ PartitionKey: 'evt' + e, RowKey: rk, properties: {} });
let t = process.hrtime.bigint();
for (let i = 0; i < 5000; i++) { const d = c.findOne({ RowKey: 'summary', PartitionKey: 'evt' + (i * 7 % E) }); c.remove(d); c.insert({ PartitionKey: d.PartitionKey, RowKey: 'summary', properties: { i } }); }
const point = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint();
for (let i = 0; i < 1000; i++) { const f = Gen.generateQueryEntityWhereFunction(`PartitionKey eq 'evt${i * 13 % E}' and (RowKey eq 'summary' or (RowKey ge 's|' and RowKey lt 's}'))`); const r = c.chain().where(f).data(); if (r.length !== 3) throw new Error('got ' + r.length); }
const query = Number(process.hrtime.bigint() - t) / 1e6;
console.log(JSON.stringify({ patched, E, rows: c.data.length, pointUpdateMsEach: (point / 5000).toFixed(3), queryMsEach: (query / 1000).toFixed(3) }));
