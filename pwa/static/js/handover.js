// The QR hand-over at the reflection table, with no signal: each observer's tablet shows a QR code carrying
// the summary of one observation (never its scores); the recorder's tablet scans it with the camera and
// keeps the summary as a reference beside the reflection meeting, which links the observation by its id.
// The observation itself still syncs from its own tablet. QR drawing: qrcode-generator; reading: jsQR.
import { qrcode } from '/static/vendor/qrcode-generator-2.0.4.js';
import * as store from './store.js';

/** @typedef {import('./notebook.js').ClassroomSummary & {v: number, id: string, school: string,
 *   date: string, session: string}} HandedSummary */

const MAX_TEXT = 160; // characters of each free text: the code stays small enough to scan from a screen

/** The summary an observer hands over: who, which class, when, strengths and what to develop.
 * @param {any} record @param {Map<string, string>} teacherName @param {string} observer @returns {HandedSummary} */
export function summaryOf(record, teacherName, observer) {
  const a = record.answers || {};
  const cut = (/** @type {string} */ s) => (s || '').slice(0, MAX_TEXT);
  return {
    v: 1, id: record.id, school: a.school || '', date: a.visit_date || '', session: a.session || '',
    teacher: teacherName.get(a.teacher) || a.teacher || '', grade: a.grade || '', area: a.learning_area || '',
    topic: cut(a.topic), start: a.start_time || '', end: a.end_time || '', strengths: cut(a.strengths),
    develop: cut(a.develop_text), observer,
  };
}

/** Text as QR byte mode carries it: UTF-8, one char per byte (qrcode-generator takes the low byte).
 * @param {string} text */
const utf8Bytes = (text) => Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join('');

/** Draw `text` as a QR code on `canvas`, `scale` pixels a module, with the quiet zone of 4 modules.
 * @param {HTMLCanvasElement} canvas @param {string} text @param {number} scale */
export function drawQr(canvas, text, scale = 6) {
  const qr = qrcode(0, 'M');
  qr.addData(utf8Bytes(text), 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const size = (n + 8) * scale;
  canvas.width = canvas.height = size;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = '#000';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) ctx.fillRect((c + 4) * scale, (r + 4) * scale, scale, scale);
  }
}

/** A scanned code's summary, or null when it is not one of ours.
 * @param {Uint8ClampedArray|number[]} bytes @returns {HandedSummary|null} */
export function readSummary(bytes) {
  try {
    const s = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes)));
    const text = ['id', 'school', 'date', 'session', 'teacher', 'start', 'end'].every((k) => typeof s[k] === 'string');
    return s && s.v === 1 && text ? s : null;
  } catch {
    return null;
  }
}

/** Keep a scanned summary, and link its observation to the reflection meeting while that is a draft.
 * @param {HandedSummary} summary @param {string} reflectionId */
export async function keep(summary, reflectionId) {
  const handed = await store.getMeta('handover', {});
  await store.setMeta('handover', { ...handed, [summary.id]: summary });
  await store.updateRecord(reflectionId, (r) => {
    if (!r || r.state !== 'draft') return null;
    const linked = new Set(r.answers?.linked_observations || []);
    if (linked.has(summary.id)) return null;
    linked.add(summary.id);
    return { ...r, answers: { ...r.answers, linked_observations: [...linked] }, updated_at: new Date().toISOString() };
  });
}

/** Read camera frames into `video` until a code of ours is seen; resolves with its summary.
 * @param {HTMLVideoElement} video @param {AbortSignal} signal @returns {Promise<HandedSummary>} */
export async function scan(video, signal) {
  await import('/static/vendor/jsQR-1.4.0.js'); // UMD: defines self.jsQR
  const decode = /** @type {any} */ (self).jsQR;
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  await video.play();
  const canvas = document.createElement('canvas');
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true }));
  try {
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, 150));
      if (!video.videoWidth) continue;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      const found = decode(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
      const summary = found ? readSummary(found.binaryData) : null;
      if (summary) return summary;
    }
    throw new DOMException('scan stopped', 'AbortError');
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}

/** The observer's side (/handover?record=…): this observation's summary as a QR code. */
async function showPage() {
  const id = new URLSearchParams(location.search).get('record') || '';
  const record = id ? await store.getRecord(id) : null;
  const canvas = /** @type {HTMLCanvasElement} */ (document.getElementById('handover-qr'));
  if (!record || record.form_id !== 'observation') {
    /** @type {HTMLElement} */ (document.getElementById('handover-missing')).hidden = false;
    return;
  }
  const [teachers, users] = await Promise.all([store.getReference('teachers'), store.getReference('users')]);
  const me = users.find((u) => String(u.id ?? u.key) === document.body.dataset.userId);
  const summary = summaryOf(record, new Map(teachers.map((x) => [x.id, x.name])), me ? me.display_name || me.name || '' : '');
  drawQr(canvas, JSON.stringify(summary));
  canvas.hidden = false;
  /** @type {HTMLElement} */ (document.getElementById('handover-teacher')).textContent = summary.teacher;
  document.body.dataset.ready = 'true';
}

if (document.getElementById('handover-qr')) showPage();
