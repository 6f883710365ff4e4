/**
 * Loaded into our server by the bench's memory check only (`node --expose-gc --import`): a
 * SIGUSR2 runs a full garbage collection, so RSS is read with no garbage in it. Without it, a
 * reading depends on when V8 last collected: rounds of 50,000 calls read 148 to 178 MiB with no
 * trend. Production servers never load it.
 */
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('collect-on-signal needs node --expose-gc');
process.on('SIGUSR2', () => {
  collect();
});
