/**
 * The listeners of benchmarks/listeners.ts, in a process of their own so that their CPU is not the
 * server's: opens N connections to one live audio URL at once, reads each to its end, and prints
 * one JSON line (statuses, bytes per connection, milliseconds to the last byte, and its own CPU
 * seconds, which the server's count of its child processes must leave out).
 *
 *     node dist/benchmarks/listenerClients.js URL N
 */
const [url, count] = process.argv.slice(2);
if (!url || !count) throw new Error('usage: listenerClients.js URL N');

async function listen(): Promise<{ status: number; bytes: number }> {
  const response = await fetch(url as string, { redirect: 'manual' });
  let bytes = 0;
  if (response.body) for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength;
  return { status: response.status, bytes };
}

const started = performance.now();
const results = await Promise.all(Array.from({ length: Number(count) }, listen));
process.stdout.write(
  `${JSON.stringify({
    statuses: results.map((result) => result.status),
    bytes: results.map((result) => result.bytes),
    lastByteMs: Math.round(performance.now() - started),
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  })}\n`,
);
