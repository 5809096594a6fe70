// Loaded into Azurite's table service before it starts (node --require), beside azurite-queue-sweep.js. Azurite 3.37
// keeps each table in LokiJS and answers two of our per-event calls at a cost that grows with the whole table, not the
// event's partition, so a local run slowed as its backlog grew, and the table service became the local bottleneck
// (docs/benchmarks.md, "Several Softr apps"). Azure Table storage has no such cost. On 25,000 rows (5,000 events), in
// one node process (scripts/azurite-table-index.bench.js, two runs): a point read-and-rewrite of a summary took 0.38 to
// 0.62 ms without this, 0.19 to 0.25 ms with it; a partition query 0.71 to 0.99 ms without, 0.10 to 0.18 ms with. The
// answers do not change (below); the end-to-end tests run with AZURITE_TABLE_INDEX=verify, which checks every answer
// against Azurite's own and stops Azurite on the first difference.
//
//  1. Point reads and writes. Every GET/PUT/MERGE/DELETE of one entity calls collection.findOne({ RowKey,
//     PartitionKey }) (LokiTableMetadataStore.js). LokiJS evaluates the two keys as an $and in key order: the RowKey
//     binary index first, collecting every row with that RowKey, then a filter of all of them by PartitionKey. Every
//     event's summary has RowKey "summary", and step rows share row keys across events, so each call walks a list as
//     long as the number of events. Here the same question is answered through whichever of the two binary indices
//     has the shorter run for the value asked (in practice the event's partition: a handful of rows).
//
//  2. Filtered queries. queryTableEntities runs the parsed OData filter over the whole collection, one interpreted
//     syntax-tree walk per row, for every query; EventProgressStore.ReadAsync makes one per event. When the filter's
//     first conjunct is `PartitionKey eq '<string>'` (or `RowKey eq '<string>'`), the rows that can match are taken
//     from that key's binary index first, and the filter runs over only them.
//
// Why the answers are the same: nothing is cached; both paths read LokiJS's own binary indices as they are at the call,
// the indices the unpatched findOne relies on already (LokiJS keeps them current on every insert, update, remove and
// batch rollback). findOne's answer is the doc with doc.RowKey === rk && doc.PartitionKey === pk; a binary index's
// $eq range holds every doc whose value is loosely equal, a superset, so scanning either key's range with both strict
// tests finds exactly it; two or more (duplicate keys, which Azurite never creates) go to the original findOne. The
// query pre-filter drops only rows for which the filter's first-evaluated conjunct is false (AndNode evaluates its left
// first and stops), and hands the rest to where() in ascending position; where() walks its rows from the end, as its
// full scan walks the collection, so the result comes out in the same order, and its sort, limit and continuation are
// identical. Anything not recognised exactly goes to the original code.
//
// AZURITE_TABLE_INDEX=0 turns it off. AZURITE_TABLE_INDEX=verify also runs the original code on every call and, on a
// difference, says so and stops the service (exit 70), so that a test run fails on it. Should a later Azurite or LokiJS
// move what this relies on, the service starts unpatched, with a warning.
'use strict';

const path = require('path');

const mode = process.env.AZURITE_TABLE_INDEX || 'on';
if (!['on', 'verify', '0', 'off'].includes(mode)) {
  console.warn(`azurite-table-index: AZURITE_TABLE_INDEX=${mode} is not on, verify, 0 or off; taken as on`);
}
// Only the table service (a process of its own: azurite/dist/src/table/main.js) or all-in-one Azurite (azurite.js);
// the blob and queue services have no use for it.
const main = process.argv[1] || '';
const tableProcess = /[\\/]table[\\/]main\.js$/.test(main) || /[\\/]azurite\.js$/.test(main);

if (tableProcess && mode !== '0' && mode !== 'off') {
  try {
    install(mode === 'verify');
    console.log(`azurite-table-index: table lookups by key${mode === 'verify' ? ', every answer checked against LokiJS\'s own' : ''}`);
  } catch (error) {
    console.warn(`azurite-table-index: the table service keeps LokiJS's own lookups (${error.message})`);
  }
}

function install(verify) {
  const persistence = path.dirname(require.resolve('azurite/dist/src/table/persistence/LokiTableMetadataStore.js'));
  // The very lokijs module Azurite loads (resolved from Azurite's own directory, so a nested copy would be found).
  const Loki = require(require.resolve('lokijs', { paths: [persistence] }));
  const Collection = Loki.Collection;
  const Resultset = Loki.Resultset;
  for (const [what, fn] of [['Collection.findOne', Collection && Collection.prototype.findOne],
    ['Collection.calculateRange', Collection && Collection.prototype.calculateRange],
    ['Resultset.where', Resultset && Resultset.prototype.where]]) {
    if (typeof fn !== 'function') throw new Error(`lokijs ${what} is not where it was`);
  }

  const generator = require(path.join(persistence, 'LokiTableStoreQueryGenerator.js')).default;
  const parseQuery = require(path.join(persistence, 'QueryInterpreter', 'QueryParser.js')).default;
  const node = (name) => require(path.join(persistence, 'QueryInterpreter', 'QueryNodes', `${name}.js`)).default;
  const AndNode = node('AndNode');
  const EqualsNode = node('EqualsNode');
  const IdentifierNode = node('IdentifierNode');
  const ConstantNode = node('ConstantNode');
  if (!generator || typeof generator.generateQueryEntityWhereFunction !== 'function' || typeof parseQuery !== 'function'
    || [AndNode, EqualsNode, IdentifierNode, ConstantNode].some((c) => typeof c !== 'function')) {
    throw new Error("Azurite's query generator is not where it was");
  }

  const FALLBACK = Symbol('fallback');
  const hasOwn = Object.prototype.hasOwnProperty;
  // Only verify mode compares: a difference there is a defect of this file, and the run must not go on past it.
  const differs = (message) => {
    console.error(`azurite-table-index: ${message} (AZURITE_TABLE_INDEX=0 turns this off); stopping`);
    process.exit(70);
  };
  // And says, once each, that it checked a fast-path answer, so that a test can tell the fast path was taken at all
  // (a later LokiJS could leave every call to the original code, and verify would then have nothing to compare).
  const checked = new Set();
  const sayChecked = (what) => {
    if (!checked.has(what)) {
      checked.add(what);
      console.log(`azurite-table-index: first ${what} by key checked`);
    }
  };

  // A binary index LokiJS keeps current on every insert/update/remove, as the unpatched findOne assumes.
  function indexUsable(coll, property) {
    const index = coll.binaryIndices && hasOwn.call(coll.binaryIndices, property) ? coll.binaryIndices[property] : null;
    return coll.adaptiveBinaryIndices === true
      && index !== null && index.dirty !== true && Array.isArray(index.values)
      && index.values.length === coll.data.length;
  }

  // findOne returns data() of the result set: objects as stored unless these options make it clone (lokijs.js:3796-3799,
  // 7030-7037). Azurite sets neither.
  function returnsStoredObjects(coll) {
    return !coll.cloneObjects && !(!coll.disableDeltaChangesApi && coll.disableFreeze);
  }

  // ---- 1. findOne({ PartitionKey, RowKey }) ------------------------------------------------------------------------

  function pointLookup(coll, query) {
    if (query === null || typeof query !== 'object') return FALLBACK;
    let keys = 0;
    for (const key in query) {  // the same enumeration LokiJS uses to build its filters (lokijs.js:3479)
      if (key !== 'PartitionKey' && key !== 'RowKey') return FALLBACK;
      keys++;
    }
    if (keys !== 2 || !hasOwn.call(query, 'PartitionKey') || !hasOwn.call(query, 'RowKey')) return FALLBACK;
    const pk = query.PartitionKey;
    const rk = query.RowKey;
    if (typeof pk !== 'string' || typeof rk !== 'string') return FALLBACK;
    if (!returnsStoredObjects(coll) || !indexUsable(coll, 'PartitionKey') || !indexUsable(coll, 'RowKey')) return FALLBACK;

    const data = coll.data;
    if (data.length === 0) return null;                          // as Resultset.find (lokijs.js:3456-3460)
    const byPartition = coll.calculateRange('$eq', 'PartitionKey', pk); // O(log n) each; [0, -1] when absent
    const byRow = coll.calculateRange('$eq', 'RowKey', rk);
    const partitionRun = byPartition[1] - byPartition[0] + 1;
    const rowRun = byRow[1] - byRow[0] + 1;
    if (partitionRun <= 0 || rowRun <= 0) return null;           // no doc with that key: none with both

    const property = partitionRun <= rowRun ? 'PartitionKey' : 'RowKey';
    const [from, to] = property === 'PartitionKey' ? byPartition : byRow;
    const positions = coll.binaryIndices[property].values;
    let found = null;
    for (let i = from; i <= to; i++) {
      const doc = data[positions[i]];
      if (doc !== undefined && doc !== null && doc.PartitionKey === pk && doc.RowKey === rk) {
        if (found !== null) return FALLBACK;                     // duplicate keys: LokiJS picks, as before
        found = doc;
      }
    }
    return found;
  }

  const originalFindOne = Collection.prototype.findOne;
  Collection.prototype.findOne = function findOne(query) {
    const answer = pointLookup(this, query);
    if (answer === FALLBACK) return originalFindOne.call(this, query);
    if (verify) {
      const expected = originalFindOne.call(this, query);
      if (expected !== answer) differs(`findOne differs for ${JSON.stringify(query)}`);
      sayChecked('point lookup');
      return expected;
    }
    return answer;
  };

  // ---- 2. where(filter) with a leading `PartitionKey eq '...'` / `RowKey eq '...'` -----------------------------------

  // The filter functions Azurite builds for entity queries, and the key equality each one starts with.
  const leadingKey = new WeakMap();

  // The conjunct AndNode evaluates first (AND is parsed right-nested: a and (b and c), QueryParser.js:100-108;
  // parentheses leave no node), if it is `<PartitionKey|RowKey> eq '<string>'` in either order.
  function leadingKeyEquality(tree) {
    let first = tree;
    while (first instanceof AndNode) first = first.left;
    if (!(first instanceof EqualsNode)) return null;
    let id = first.left;
    let constant = first.right;
    if (!(id instanceof IdentifierNode)) {
      id = first.right;
      constant = first.left;
    }
    // Neither is a ValueNode, so EqualsNode compares left.evaluate(e) === right.evaluate(e) (EqualsNode.js:23-31), and
    // IdentifierNode reads e.PartitionKey / e.RowKey for an entity (IdentifierNode.js:28-35): a strict comparison.
    if (!(id instanceof IdentifierNode) || !(constant instanceof ConstantNode)) return null;
    if (id.identifier !== 'PartitionKey' && id.identifier !== 'RowKey') return null;
    if (typeof constant.value !== 'string') return null;
    return { property: id.identifier, value: constant.value };
  }

  const originalGenerate = generator.generateQueryEntityWhereFunction;
  // Called as LokiTableStoreQueryGenerator.generateQueryEntityWhereFunction(...) (LokiTableStoreQueryGenerator.js:26),
  // so replacing the static is seen by generateQueryForPersistenceLayer.
  generator.generateQueryEntityWhereFunction = function generateQueryEntityWhereFunction(query) {
    const where = originalGenerate.call(this, query);  // throws on a bad filter exactly as before
    if (typeof where === 'function' && typeof query === 'string' && query !== '' && query !== 'true' && query !== 'false') {
      try {
        const key = leadingKeyEquality(parseQuery(query));  // a second parse of the filter text: O(its length)
        if (key !== null) leadingKey.set(where, key);
      } catch (_) {
        // not recognised: the filter runs as it did
      }
    }
    return where;
  };

  // Positions of the docs whose <property> === value, ascending.
  function positionsWithKey(coll, property, value) {
    const data = coll.data;
    const rows = [];
    if (data.length === 0) return rows;
    const [from, to] = coll.calculateRange('$eq', property, value);
    const positions = coll.binaryIndices[property].values;
    for (let i = from; i <= to; i++) {
      const position = positions[i];
      const doc = data[position];
      if (doc !== undefined && doc !== null && doc[property] === value) rows.push(position);
    }
    return rows.sort((a, b) => a - b);
  }

  const originalWhere = Resultset.prototype.where;
  Resultset.prototype.where = function where(fun) {
    const key = typeof fun === 'function' ? leadingKey.get(fun) : undefined;
    if (key === undefined || this.filterInitialized !== false || this.filteredrows.length !== 0
      || !indexUsable(this.collection, key.property)) {
      return originalWhere.call(this, fun);
    }
    this.filteredrows = positionsWithKey(this.collection, key.property, key.value);
    this.filterInitialized = true;
    const result = originalWhere.call(this, fun);
    if (verify) {
      const expected = originalWhere.call(new Resultset(this.collection), fun).filteredrows;
      const got = this.filteredrows;
      if (expected.length !== got.length || expected.some((position, i) => position !== got[i])) {
        differs(`a query differs for ${key.property} eq ${JSON.stringify(key.value)}`);
      }
      sayChecked('query');
    }
    return result;
  };
}
