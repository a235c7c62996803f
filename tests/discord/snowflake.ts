/** Discord's epoch (2015-01-01): snowflakes count milliseconds from here in their top 42 bits. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

let increment = 0n;

/** A fresh snowflake with the current time, so ids sort by creation like real ones. */
export function snowflake(atMs = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(atMs) - DISCORD_EPOCH_MS) << 22n) | (1n << 17n) | increment).toString();
}
