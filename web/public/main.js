// Wires the page together: the form starts a piece, the piece's events feed the roll, the audio
// element plays it, and the address bar (/pieces/{id}) says which piece is on the stage.

import { ApiError, createPiece, followPiece, getOptions, getPiece, listPieces, pieceUrl } from './api.js';
import { prepareAudio, sound, startTiming, warmUp } from './audioGraph.js';
import { ComposeForm } from './form.js';
import { downloadLinks, HistoryList } from './history.js';
import { PianoRoll, setInstrumentColours } from './pianoRoll.js';
import { Player } from './player.js';
import { ScoreView } from './score.js';

/** @template {HTMLElement} T @param {string} id @returns {T} */
function element(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return /** @type {T} */ (found);
}

const statusLine = element('status');
const errorLine = element('error');
const pieceInfo = element('piece-info');
const downloads = element('downloads');
const stage = element('stage');

/** @type {Map<string, import('./form.js').InstrumentOption>} */
const instrumentSpecs = new Map();
/** @type {Map<string, string>} */
const labels = new Map();
/** @param {string} name */
const labelOf = (name) => labels.get(name) ?? name;

const state = {
  id: '',
  /** @type {'loading' | 'idle' | 'sending' | 'opening' | 'queued' | 'writing' | 'done' | 'failed'} */
  phase: 'loading',
  notes: 0,
  /** @type {'playing' | 'stopped' | 'blocked' | 'error'} */
  playback: 'stopped',
  stopFollowing: () => {},
};

function renderStatus() {
  const phases = {
    loading: 'Loading…',
    idle: 'Ready: pick the music and press Generate.',
    sending: 'Sending…',
    opening: 'Opening…',
    queued: 'queued: waiting for a free composer…',
    writing: `writing… ${state.notes} notes`,
    done: `done · ${state.notes} notes`,
    failed: 'failed',
  };
  const playback = { playing: 'playing', stopped: '', blocked: 'press Play to listen', error: 'audio unavailable' };
  statusLine.textContent = [phases[state.phase], playback[state.playback]].filter(Boolean).join(' · ');
}

/** @param {unknown} error */
function showError(error) {
  errorLine.textContent = error instanceof Error ? error.message : String(error);
}

const roll = new PianoRoll({
  canvas: element('roll'),
  track: element('roll-track'),
  scroller: element('roll-scroller'),
  playhead: element('playhead'),
  legend: element('legend'),
});

const score = new ScoreView({ container: element('score'), status: element('score-status'), scroller: element('score-scroller') });

/** The two views of the piece, as tabs: the piano roll, or the score. @param {'roll' | 'score'} view */
function showView(view) {
  for (const [name, tab, panel] of [
    ['roll', element('view-roll'), element('roll-view')],
    ['score', element('view-score'), element('score-view')],
  ]) {
    tab.setAttribute('aria-selected', String(name === view));
    panel.hidden = name !== view;
  }
  score.setVisible(view === 'score');
}
element('view-roll').addEventListener('click', () => showView('roll'));
element('view-score').addEventListener('click', () => showView('score'));

const player = new Player(
  { audio: element('audio'), button: element('play'), clock: element('clock') },
  {
    tick: (seconds) => {
      roll.setPlayhead(seconds);
      score.setTime(seconds);
    },
    change: (playback) => {
      state.playback = playback;
      // A failed piece has no audio, and its own message says why.
      if (playback === 'error' && state.phase !== 'failed')
        showError('The audio could not be played. The downloads below still work once the piece is done.');
      renderStatus();
    },
  },
);

const composeForm = new ComposeForm(element('compose'));
const historyList = new HistoryList(element('history-list'), labelOf, (id) => {
  history.pushState(null, '', `/pieces/${encodeURIComponent(id)}`);
  openPiece(id, { live: false, autoplay: true });
});

async function refreshHistory() {
  try {
    const listed = await listPieces();
    historyList.render(listed.pieces, state.id);
  } catch (error) {
    showError(error);
  }
}

/** The finished piece's audio, in a format this browser plays. @param {string} id */
function audioFileUrl(id) {
  return pieceUrl(id, element('audio').canPlayType('audio/ogg') ? '.ogg' : '.mp3');
}

/** A piece's live audio: its packets (for WebCodecs) and the same as WebM (for <audio>). @param {string} id */
function liveUrls(id) {
  return { packets: pieceUrl(id, '/live.opus'), webm: pieceUrl(id, '/live.webm') };
}

/**
 * Puts a piece on the stage. A piece being written plays from the live stream; a finished one
 * from its file. Its notes come from the events either way (a finished piece replays them).
 * @param {string} id
 * @param {{live: boolean, autoplay: boolean}} how
 */
function openPiece(id, how) {
  state.stopFollowing();
  Object.assign(state, { id, phase: how.live ? 'writing' : 'opening', notes: 0, playback: 'stopped' });
  errorLine.textContent = '';
  pieceInfo.textContent = '';
  downloads.hidden = true;
  player.reset();
  roll.reset({ instruments: [], seconds: 30 }, instrumentSpecs);
  score.reset();
  renderStatus();
  if (how.live) player.loadLive(liveUrls(id), how.autoplay);
  state.stopFollowing = followPiece(id, {
    header: (header) => {
      state.notes = 0;
      roll.reset(header, instrumentSpecs);
      score.setSource(pieceUrl(id, '.musicxml'), false);
      pieceInfo.textContent = [
        header.instruments.map(labelOf).join(', '),
        header.composer ? `after ${labelOf(header.composer)}` : 'any style',
        `${Math.round(header.tempo)} BPM`,
        `${Math.round(header.seconds)} s`,
        `seed ${header.seed}`,
      ].join(' · ');
      if (state.phase === 'opening') state.phase = 'writing';
      renderStatus();
    },
    notes: (notes) => {
      roll.add(notes);
      score.changed();
      state.notes += notes.length;
      renderStatus();
    },
    status: (status) => {
      if (state.phase === 'writing' || state.phase === 'queued') state.phase = status === 'queued' ? 'queued' : 'writing';
      renderStatus();
    },
    done: (done) => {
      state.phase = 'done';
      downloads.replaceChildren(...downloadLinks(done.files));
      downloads.hidden = false;
      score.setSource(done.files.musicxml ?? pieceUrl(id, '.musicxml'), true);
      if (how.live) player.preferNext(audioFileUrl(id));
      renderStatus();
      refreshHistory();
    },
    failed: (message) => {
      // An unknown piece fails twice (events and metadata); the metadata's 404 says it better.
      if (state.phase === 'failed') return;
      state.phase = 'failed';
      showError(message);
      renderStatus();
      refreshHistory();
    },
  });
  // A piece opened from a link may still be writing: then its live stream is the one to play.
  if (!how.live) {
    getPiece(id)
      .then((piece) => {
        if (state.id !== id) return;
        composeForm.show(piece.request, piece.seed);
        if (piece.status === 'done') player.load(audioFileUrl(id), how.autoplay);
        else if (piece.status !== 'failed' && piece.status !== 'cancelled') player.loadLive(liveUrls(id), how.autoplay);
      })
      .catch((error) => {
        if (state.id !== id) return;
        state.phase = 'failed';
        showError(error instanceof ApiError && error.status === 404 ? 'There is no such piece: it may have been deleted.' : error);
        renderStatus();
      });
  }
}

function showIdle() {
  state.stopFollowing();
  Object.assign(state, { id: '', phase: 'idle', notes: 0, playback: 'stopped' });
  player.reset();
  pieceInfo.textContent = '';
  downloads.hidden = true;
  roll.reset({ instruments: [], seconds: 30 }, instrumentSpecs);
  score.reset();
  renderStatus();
}

/** Shows whatever the address names: a piece, or the empty stage. */
function route() {
  const match = /^\/pieces\/([^/]+)$/.exec(location.pathname);
  if (match?.[1]) openPiece(decodeURIComponent(match[1]), { live: false, autoplay: false });
  else showIdle();
}

composeForm.form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (composeForm.busy) return;
  errorLine.textContent = '';
  const read = composeForm.read();
  if ('problem' in read) {
    showError(read.problem);
    read.field.focus();
    return;
  }
  // The click is the gesture that lets audio start: the context starts now, while the request travels.
  startTiming();
  warmUp();
  const previous = state.phase;
  state.phase = 'sending';
  renderStatus();
  composeForm.setBusy(true);
  try {
    const { id } = await createPiece(read.fields, read.primer);
    sound.answeredAt = performance.now();
    history.pushState(null, '', `/pieces/${encodeURIComponent(id)}`);
    openPiece(id, { live: true, autoplay: true });
    // On a phone the player sits below the form: bring it up so the notes are seen arriving.
    if (stage.getBoundingClientRect().top > window.innerHeight / 2) stage.scrollIntoView({ behavior: 'smooth', block: 'start' });
    refreshHistory();
  } catch (error) {
    state.phase = previous;
    showError(error);
    renderStatus();
  } finally {
    composeForm.setBusy(false);
  }
});

window.addEventListener('popstate', route);

async function start() {
  prepareAudio();
  try {
    const options = await getOptions();
    setInstrumentColours(options.instruments);
    for (const spec of options.instruments) {
      instrumentSpecs.set(spec.name, spec);
      labels.set(spec.name, spec.label);
    }
    for (const ensemble of options.ensembles) labels.set(ensemble.name, ensemble.label);
    for (const composer of options.composers) labels.set(composer.name, composer.label);
    composeForm.fill(options);
  } catch (error) {
    showError(error);
  }
  route();
  refreshHistory();
}

start();
