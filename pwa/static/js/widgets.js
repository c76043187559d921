// The widgets of the form kinds that are more than one control: photo, confirmation, time-on-task
// snapshots and the 60-second reading grid. Each keeps its answer as JSON in a hidden input
// (`input[data-json]` named like the field) and tells the form through `ctx.changed()`.
// Timers use Date.now() and setInterval only, so tests can drive them with a fake clock.
import { setupBeDate } from './datepicker.js';
import { t } from './i18n.js';
import { keepPhoto, photoUrl } from './photo.js';
import { cleanText } from './text.js';

const pad = (n) => String(n).padStart(2, '0');
export const hhmm = (ms) => { const d = new Date(ms); return `${pad(d.getHours())}:${pad(d.getMinutes())}`; };
const localStamp = (ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${hhmm(ms)}`;
};

/**
 * @typedef {{changed: () => void, track: (p: Promise<any>) => void, timers: () => Record<string, any>}} Ctx
 */

function hiddenOf(widget) {
  return /** @type {HTMLInputElement} */ (widget.closest('.field').querySelector('input[data-json]'));
}
const getValue = (input) => (input.value ? JSON.parse(input.value) : null);
function setValue(input, value, ctx) {
  input.value = value === null || value === undefined ? '' : JSON.stringify(value);
  ctx.changed();
}
const q = (root, sel) => root.querySelector(sel);

// ------------------------------------------------------------------ photo

function setupPhoto(widget, input, ctx) {
  const file = q(widget, '[data-photo-input]');
  const thumb = q(widget, '[data-photo-thumb]');
  const status = q(widget, '[data-photo-status]');
  const remove = q(widget, '[data-photo-remove]');
  let shown = null;
  const render = async () => {
    const value = getValue(input);
    remove.hidden = !value;
    if (!value) { thumb.hidden = true; thumb.removeAttribute('src'); shown = null; status.textContent = ''; return; }
    status.textContent = `${value.width}×${value.height} · ${Math.round(value.bytes / 1024)} KB`;
    if (shown === value.sha256) return;
    shown = value.sha256;
    const url = await photoUrl(value.sha256);
    thumb.hidden = !url;
    if (url) thumb.src = url;
    else status.textContent += ` · ${t('the photo is not on this tablet')}`;
  };
  file.addEventListener('change', (event) => {
    event.stopPropagation();
    const picked = file.files?.[0];
    if (!picked) return;
    status.textContent = t('Resizing the photo…');
    widget.dataset.busy = 'true';
    const work = keepPhoto(picked).then(
      (answer) => { setValue(input, answer, ctx); render(); },
      () => { status.textContent = t('This photo could not be read; try another'); },
    ).finally(() => { delete widget.dataset.busy; file.value = ''; });
    ctx.track(work);
  });
  remove.addEventListener('click', () => { setValue(input, null, ctx); render(); });
  input.addEventListener('nithet:value', render);
  render();
}

// ------------------------------------------------------------------ confirmation

function setupConfirmation(widget, input, ctx) {
  const name = q(widget, '[data-confirm-name]');
  const box = q(widget, '[data-confirm-box]');
  const at = q(widget, '[data-confirm-at]');
  const render = () => {
    const value = getValue(input);
    box.checked = Boolean(value);
    if (value && document.activeElement !== name) name.value = value.name;
    at.textContent = value ? `${t('Confirmed at')} ${value.at.replace('T', ' ')}` : '';
  };
  const update = () => {
    const who = name.value.trim();
    setValue(input, box.checked && who ? { name: cleanText(who), at: localStamp(Date.now()) } : null, ctx);
    if (box.checked && !who) box.checked = false;
    render();
  };
  box.addEventListener('change', (e) => { e.stopPropagation(); update(); });
  name.addEventListener('input', (e) => { e.stopPropagation(); if (box.checked) update(); });
  input.addEventListener('nithet:value', render);
  render();
}

// ------------------------------------------------------------------ time-on-task snapshots

function setupSnapshots(widget, input, ctx, key) {
  const interval = Number(widget.dataset.interval) * 60 * 1000;
  const count = Number(widget.dataset.count);
  const status = q(widget, '[data-snap-status]');
  const prompt = q(widget, '[data-snap-prompt]');
  const list = q(widget, '[data-snap-list]');
  const start = q(widget, '[data-snap-start]');
  const now = q(widget, '[data-snap-now]');
  const radios = (sel) => [...widget.querySelectorAll(sel)];
  for (const r of radios('[data-snap-activity]')) r.name = `${key}.activity`;
  for (const r of radios('[data-snap-off]')) r.name = `${key}.off_task`;
  /** The time the open prompt is for (ms), or null. */
  let due = null;
  const entries = () => getValue(input) || [];
  const timer = () => ctx.timers()[key];

  const render = () => {
    const items = entries();
    list.replaceChildren(...items.map((e, i) => {
      const li = document.createElement('li');
      li.textContent = `${e.at} · ${t('Learning activity')}: ${e.activity === 'yes' ? t('Yes') : t('No')} · ${t('Off task')}: ${e.off_task}`;
      return li;
    }));
    const started = timer()?.start;
    const full = items.length >= count;
    start.hidden = Boolean(started) || full;
    now.disabled = full || due !== null;
    prompt.hidden = due === null;
    if (due !== null) q(widget, '[data-snap-prompt-title]').textContent = `${t('Snapshot')} ${items.length + 1}/${count} · ${hhmm(due)}`;
    if (full) status.textContent = t('All snapshots recorded');
    else if (started) {
      const next = started + (items.length + 1) * interval;
      status.textContent = due !== null ? t('A snapshot is due now: answer both questions') : `${t('Next snapshot at')} ${hhmm(next)} (${items.length}/${count})`;
    } else status.textContent = `${items.length}/${count}`;
  };
  const tick = () => {
    const started = timer()?.start;
    const items = entries();
    if (!started || due !== null || items.length >= count) return;
    const next = started + (items.length + 1) * interval;
    if (Date.now() >= next) {
      due = next;
      render();
      widget.closest('.field')?.scrollIntoView?.({ block: 'center' });
    } else render();
  };
  start.addEventListener('click', () => {
    ctx.timers()[key] = { start: Date.now() };
    ctx.changed();
    render();
  });
  now.addEventListener('click', () => { due = Date.now(); render(); });
  q(widget, '[data-snap-save]').addEventListener('click', () => {
    const activity = radios('[data-snap-activity]').find((r) => r.checked)?.value;
    const off = radios('[data-snap-off]').find((r) => r.checked)?.value;
    if (!activity || !off || due === null) { status.textContent = t('Answer both questions first'); return; }
    const items = entries();
    const at = hhmm(due);
    items.push({ at: items.length && items[items.length - 1].at > at ? items[items.length - 1].at : at, activity, off_task: off });
    for (const r of radios('[data-snap-activity], [data-snap-off]')) r.checked = false;
    due = null;
    setValue(input, items, ctx);
    render();
    tick();
  });
  for (const r of radios('[data-snap-activity], [data-snap-off]')) r.addEventListener('change', (e) => e.stopPropagation());
  // The saved snapshots arrive after the widget is set up (a reopened record): the next one is due from
  // them, so an open prompt is recomputed whenever they change.
  input.addEventListener('nithet:value', () => { due = null; render(); tick(); });
  setInterval(tick, 1000);
  render();
  tick();
}

// ------------------------------------------------------------------ 60-second reading grid

function setupGrid(widget, input, ctx, key) {
  const limit = Number(widget.dataset.seconds);
  const firstRow = Number(widget.dataset.firstRow);
  const words = [...widget.querySelectorAll('[data-word]')];
  const timerOut = q(widget, '[data-grid-timer]');
  const status = q(widget, '[data-grid-status]');
  const result = q(widget, '[data-grid-result]');
  const startBtn = q(widget, '[data-grid-start]');
  const finishBtn = q(widget, '[data-grid-finish]');
  const resetBtn = q(widget, '[data-grid-reset]');
  /** ready | running | marking (time is up: tap the last word read) | done */
  let phase = 'ready';
  let startedAt = 0;
  let seconds = 0;
  let clock = 0;
  const wrong = new Set();

  const elapsed = () => Math.min(limit, Math.floor((Date.now() - startedAt) / 1000));
  const paint = (attempted = words.length) => {
    for (const w of words) {
      const i = Number(w.dataset.word);
      w.setAttribute('aria-pressed', String(wrong.has(i)));
      w.classList.toggle('wrong', wrong.has(i));
      w.classList.toggle('unread', phase === 'done' && i >= attempted);
      w.disabled = !(phase === 'running' || phase === 'marking');
    }
  };
  // The running grid lives in the record's timers (start time and taps, autosaved), so a killed tab
  // resumes it, or, past the time limit, asks for the last word read.
  const keep = () => {
    ctx.timers()[key] = { start: startedAt, wrong: [...wrong] };
    ctx.changed();
  };
  const forget = () => { delete ctx.timers()[key]; };
  const finish = (attempted, stoppedEarly) => {
    clearInterval(clock);
    forget();
    phase = 'done';
    const list = [...wrong].filter((i) => i < attempted).sort((a, b) => a - b);
    setValue(input, { wrong: list, attempted, seconds, stopped_early: stoppedEarly }, ctx);
    render();
  };
  const render = () => {
    const value = getValue(input);
    if (phase !== 'running' && phase !== 'marking') {
      wrong.clear();
      if (value) for (const i of value.wrong) wrong.add(i);
      phase = value ? 'done' : 'ready';
    }
    startBtn.hidden = phase !== 'ready';
    finishBtn.hidden = phase !== 'running';
    resetBtn.hidden = phase !== 'done';
    if (phase === 'done' && value) {
      timerOut.textContent = String(limit - value.seconds);
      result.textContent = `${t('Words attempted')} ${value.attempted} · ${t('wrong')} ${value.wrong.length} · ${t('correct')} ${value.attempted - value.wrong.length} · ${value.seconds} ${t('seconds')}${value.stopped_early ? ` · ${t('Stopped early: the whole first row was wrong')}` : ''}`;
      status.textContent = t('Done');
    } else if (phase === 'ready') {
      timerOut.textContent = String(limit);
      result.textContent = '';
    }
    paint(value?.attempted);
  };
  const tick = () => {
    if (phase !== 'running') return;
    const left = limit - elapsed();
    timerOut.textContent = String(left);
    if (left <= 0) {
      clearInterval(clock);
      seconds = limit;
      phase = 'marking';
      status.textContent = t('Time is up: tap the last word the pupil read');
      finishBtn.hidden = true;
      paint();
    }
  };
  const run = () => {
    phase = 'running';
    status.textContent = t('Timing: tap each word read wrong');
    clearInterval(clock);
    clock = setInterval(tick, 250);
    render();
    tick();
  };
  startBtn.addEventListener('click', () => {
    wrong.clear();
    startedAt = Date.now();
    run();
    keep();
  });
  finishBtn.addEventListener('click', () => {
    seconds = Math.max(1, elapsed());
    finish(words.length, false);
  });
  resetBtn.addEventListener('click', () => {
    forget();
    phase = 'ready';
    setValue(input, null, ctx);
    render();
  });
  for (const w of words) {
    w.addEventListener('click', () => {
      const i = Number(w.dataset.word);
      if (phase === 'marking') { finish(i + 1, false); return; }
      if (phase !== 'running') return;
      if (wrong.has(i)) wrong.delete(i); else wrong.add(i);
      paint();
      keep();
      // Early stop: every word of the first row read wrong.
      let all = firstRow > 0;
      for (let k = 0; k < firstRow; k++) if (!wrong.has(k)) all = false;
      if (all) {
        seconds = Math.max(1, elapsed());
        finish(firstRow, true);
        status.textContent = t('Stopped early: the whole first row was wrong');
      }
    });
  }
  input.addEventListener('nithet:value', render);
  render();
  const saved = ctx.timers()[key];
  if (saved?.start) {
    startedAt = saved.start;
    for (const i of saved.wrong || []) wrong.add(i);
    run();
  }
}

const SETUP = {
  photo: setupPhoto, confirmation: setupConfirmation, snapshots: setupSnapshots, reading_grid: setupGrid,
  be_date: (/** @type {HTMLElement} */ widget) => setupBeDate(widget),
};

/** Wire every widget under `root` (the form, or a newly added repeat item). */
export function setupWidgets(root, ctx) {
  for (const widget of root.querySelectorAll('[data-widget]')) {
    if (widget.dataset.ready) continue;
    widget.dataset.ready = 'true';
    const input = hiddenOf(widget);
    SETUP[widget.dataset.widget]?.(widget, input, ctx, widget.dataset.for);
  }
}
