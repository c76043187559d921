// Photos: resized on the tablet (longest side and bytes within the server's limits, limits.js; JPEG ~0.8)
// before a record can be finalized, stored in IndexedDB `blobs` under the SHA-256 hex of the resized bytes. No DOM besides a canvas.
import { limits } from './limits.js';
import * as store from './store.js';

const TYPE = 'image/jpeg';

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

function encode(canvas, quality) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), TYPE, quality);
  });
}

/** Resize, hash and keep a picked image. Resolves with the answer: {sha256, type, bytes, width, height}. */
export async function keepPhoto(file) {
  const { photo_max_side: maxSide, photo_max_bytes: maxBytes } = limits();
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  bitmap.close?.();
  let quality = 0.8;
  let blob = await encode(canvas, quality);
  while (blob.size > maxBytes && quality > 0.35) {
    quality -= 0.15;
    blob = await encode(canvas, quality);
  }
  if (blob.size > maxBytes) throw new Error('photo too large');
  const data = await blob.arrayBuffer();
  const sha256 = hex(await crypto.subtle.digest('SHA-256', data));
  const existing = await store.getBlob(sha256);
  await store.putBlob({ sha256, type: TYPE, data, uploaded: existing?.uploaded ?? false, created_at: new Date().toISOString() });
  return { sha256, type: TYPE, bytes: data.byteLength, width, height };
}

/** An object URL for a stored photo (for a thumbnail), or null when this tablet does not hold it. */
export async function photoUrl(sha256) {
  const row = await store.getBlob(sha256);
  return row ? URL.createObjectURL(new Blob([row.data], { type: row.type })) : null;
}

/** Every photo answer (an object with a sha256) anywhere in an answer set. */
export function photosIn(value, out = []) {
  if (Array.isArray(value)) for (const v of value) photosIn(v, out);
  else if (value && typeof value === 'object') {
    if (typeof value.sha256 === 'string') out.push(value);
    else for (const v of Object.values(value)) photosIn(v, out);
  }
  return out;
}
