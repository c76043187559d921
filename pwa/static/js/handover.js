// The QR hand-over at the reflection table, with no signal: each observer's tablet shows the summaries of
// its observations of the visit (never their scores) as QR codes, one code or, when they do not fit one, a
// sequence shown in turn (handover-codes.js); the recorder's tablet reads them with the camera in any
// order and keeps the summaries as references beside the reflection meeting, which links each observation
// by its id. The observations themselves still sync from their own tablets. QR drawing:
// qrcode-generator; reading: jsQR.
import { qrcode } from '/static/vendor/qrcode-generator-2.0.4.js';
import { Collector, encodeCodes } from './handover-codes.js';
import * as store from './store.js';

/** @typedef {import('./notebook.js').ClassroomSummary & {v: number, id: string, school: string,
 *   date: string, session: string}} HandedSummary */

const MAX_TEXT = 400; // characters of each free text (a long hand-over is a sequence of codes)

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

/** Bytes as qrcode-generator's byte mode takes them: one char per byte (it keeps the low byte).
 * @param {Uint8Array} bytes */
const byteString = (bytes) => Array.from(bytes, (b) => String.fromCharCode(b)).join('');

/** Draw `data` (text as UTF-8, or bytes) as a QR code on `canvas`, `scale` pixels a module, with the
 * quiet zone of 4 modules.
 * @param {HTMLCanvasElement} canvas @param {string|Uint8Array} data @param {number} scale */
export function drawQr(canvas, data, scale = 5) {
  const qr = qrcode(0, 'M');
  qr.addData(byteString(typeof data === 'string' ? new TextEncoder().encode(data) : data), 'Byte');
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

/** @typedef {{got: number, count: number}|{foreign: true}} ScanNews */

/** Read camera frames into `video` until a hand-over is whole (all the codes of its sequence, read in any
 * order, each once); resolves with its summaries. `news` hears each new part and each code not ours.
 * @param {HTMLVideoElement} video @param {AbortSignal} signal @param {(news: ScanNews) => void} [news]
 * @returns {Promise<HandedSummary[]>} */
export async function scan(video, signal, news = () => {}) {
  await import('/static/vendor/jsQR-1.4.0.js'); // UMD: defines self.jsQR
  const decode = /** @type {any} */ (self).jsQR;
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  await video.play();
  const canvas = document.createElement('canvas');
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true }));
  const collector = new Collector();
  let last = '';
  try {
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, 100));
      if (!video.videoWidth) continue;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      const found = decode(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
      if (!found) continue;
      const seen = collector.progress ? collector.progress.got : 0;
      const result = collector.add(found.binaryData);
      if (result === 'foreign') {
        if (last !== found.data) news({ foreign: true });
      } else if (result) {
        if (collector.progress) news({ got: collector.progress.got, count: collector.progress.count });
        return /** @type {HandedSummary[]} */ (result);
      } else if (collector.progress && collector.progress.got !== seen) {
        news({ got: collector.progress.got, count: collector.progress.count });
      }
      last = found.data;
    }
    throw new DOMException('scan stopped', 'AbortError');
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}

/** How long each code of a sequence stays on the screen before the next (ms). */
const ADVANCE_MS = 1500;

/** The observations handed over from this tablet: those named in the address (`?record=…`, repeatable)
 * and, with one named, this tablet's other observations of the same school, day and session.
 * @param {string[]} ids @returns {Promise<any[]>} */
async function observationsOf(ids) {
  const all = (await store.allRecords()).filter((r) => r.form_id === 'observation');
  const named = all.filter((r) => ids.includes(r.id));
  if (named.length !== 1) return named;
  const a = named[0].answers || {};
  const same = (/** @type {any} */ r) => r.answers?.school === a.school && r.answers?.visit_date === a.visit_date
    && r.answers?.session === a.session;
  return [named[0], ...all.filter((r) => r.id !== named[0].id && same(r))];
}

/** The observer's side (/handover?record=…): the summaries as one QR code or a sequence shown in turn. */
async function showPage() {
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const records = await observationsOf(new URLSearchParams(location.search).getAll('record'));
  if (!records.length) {
    $('handover-missing').hidden = false;
    return;
  }
  const [teachers, users] = await Promise.all([store.getReference('teachers'), store.getReference('users')]);
  const me = users.find((u) => String(u.id ?? u.key) === document.body.dataset.userId);
  const names = new Map(teachers.map((x) => [x.id, x.name]));
  const summaries = records.map((r) => summaryOf(r, names, me ? me.display_name || me.name || '' : ''));
  const codes = encodeCodes(summaries, Math.random().toString(36).slice(2, 8));
  const canvas = /** @type {HTMLCanvasElement} */ ($('handover-qr'));
  const counter = $('handover-count');
  let shown = 0;
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  const show = (/** @type {number} */ i) => {
    shown = i % codes.length;
    drawQr(canvas, codes[shown]);
    canvas.dataset.index = String(shown + 1);
    counter.textContent = `${shown + 1}/${codes.length}`;
    clearTimeout(timer);
    if (codes.length > 1) timer = setTimeout(() => show(shown + 1), ADVANCE_MS);
  };
  $('handover-teacher').textContent = summaries.map((s) => s.teacher).join(', ');
  $('handover-sequence').hidden = codes.length < 2;
  $('handover-next').addEventListener('click', () => show(shown + 1));
  canvas.dataset.count = String(codes.length);
  canvas.hidden = false;
  show(0);
  document.body.dataset.ready = 'true';
}

if (document.getElementById('handover-qr')) showPage();
