import { randomBytes } from 'node:crypto';

let lastMs = -1;
let last: Buffer | null = null;

/**
 * A UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids sort by creation
 * time, which keeps cursor pagination in creation order and B-tree inserts at the right edge.
 * Within one millisecond the random bits of the previous id count up by one (RFC 9562 §6.2,
 * method 2), so ids made one after the other by a process also sort in the order they were made:
 * what lists "in insertion order" read on both databases.
 */
export function newId(now: number = Date.now()): string {
  let bytes: Buffer;
  if (last !== null && now === lastMs) {
    bytes = Buffer.from(last);
    for (let i = 15; i >= 8; i -= 1) {
      if (i === 8) {
        bytes[8] = 0x80 | ((bytes[8]! + 1) & 0x3f);
        break;
      }
      bytes[i] = (bytes[i]! + 1) & 0xff;
      if (bytes[i] !== 0) break;
    }
  } else {
    bytes = randomBytes(16);
    bytes.writeUIntBE(now, 0, 6);
    bytes[6] = 0x70 | (bytes[6]! & 0x0f);
    // The variant bits, and room to count up before a carry could reach them.
    bytes[8] = 0x80 | (bytes[8]! & 0x1f);
  }
  lastMs = now;
  last = bytes;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
