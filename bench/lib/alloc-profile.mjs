// Preloaded (`node --import ./bench/lib/alloc-profile.mjs`) into a process a benchmark starts, when
// HERALD_ALLOC_PROFILE_FILE names a file: samples what the process allocates — the objects collected since included,
// which is what its garbage collector spends its time on — and writes V8's sampling heap profile there at exit.
// `--heap-prof` cannot do this: it keeps only what is still alive when the process stops.
import inspector from 'node:inspector';
import { writeFileSync } from 'node:fs';

const file = process.env.HERALD_ALLOC_PROFILE_FILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post(
    'HeapProfiler.startSampling',
    { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true },
    (error) => error && process.stderr.write(`allocation profile: ${error.message}\n`),
  );
  // A session of the main thread answers synchronously, so the profile is written before the process ends.
  process.on('exit', () => {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) process.stderr.write(`allocation profile: ${error.message}\n`);
      else writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
