// Loaded into Azurite's queue service before it starts (node --require): its sweep of unreferenced message extents runs
// every ten minutes, as its blob service's does, instead of every minute. The sweep reads every message and extent on
// Azurite's one thread; once a few thousand events had passed through, it held the queue service, and so every enqueue
// and dequeue of the local run, for 5 to 15 s a minute (docs/benchmarks.md, "Several Softr apps"). Azure Storage has no
// such pause. AZURITE_QUEUE_SWEEP_MINUTES sets another interval. Should a later Azurite move or rename the setting, the
// service starts as it is, with a warning.
'use strict';

const minutes = Number(process.env.AZURITE_QUEUE_SWEEP_MINUTES || 10);
try {
  const constants = require('azurite/dist/src/queue/utils/constants');
  if (typeof constants.DEFAULT_GC_INTERVAL_MS !== 'number') {
    throw new Error('DEFAULT_GC_INTERVAL_MS is not where it was');
  }
  if (Number.isFinite(minutes) && minutes > 0) {
    constants.DEFAULT_GC_INTERVAL_MS = minutes * 60 * 1000;
  }
} catch (error) {
  console.warn(`azurite-queue-sweep: the queue sweep keeps Azurite's own interval (${error.message})`);
}
