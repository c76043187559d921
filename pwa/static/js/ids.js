// A new record's id: a UUIDv7 (RFC 9562). Its first 48 bits are the time in milliseconds, the other 74
// free bits random, so the records a tablet makes one after another have ids that sort together. The
// server keys its records, revisions and report rows by this id: time-ordered ids land at the end of those
// indexes instead of on a random page each, which keeps a push's commit small (bench/NOTES.md). A tablet
// whose clock is wrong only loses that locality; an id is still unique by its random bits.

/** @param {number} [now] milliseconds since 1970 (Date.now()) */
export function recordId(now = Date.now()) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
