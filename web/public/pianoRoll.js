// A piano roll on a canvas: time runs left to right at a fixed scale, so a long piece scrolls
// sideways instead of squeezing its notes into slivers. Notes are redrawn at most once per
// frame however fast batches arrive; the playhead is a separate element moved with a CSS
// transform, so following the audio clock never repaints the notes.

/** @typedef {import('./api.js').Note} Note */
/** @typedef {{name: string, label: string, lowestPitch: number, highestPitch: number, color: string}} InstrumentSpec */

// Distinct hues on the dark roll (Tableau 10 plus one), one per instrument of the vocabulary.
/** Instrument colours, from /api/options (one table for the page and the server's SVG rolls). */
const colours = new Map();

const PIXELS_PER_SECOND = 40;
// Browsers refuse canvases much wider than this (device pixels); longer pieces get a finer scale.
const MAX_CANVAS_PIXELS = 32_000;
const PITCH_MARGIN = 2;

/** @param {{name: string, color?: string}[]} instruments */
export function setInstrumentColours(instruments) {
  for (const spec of instruments) if (spec.color) colours.set(spec.name, spec.color);
}

/** @param {string} instrument */
export function instrumentColour(instrument) {
  return colours.get(instrument) ?? '#cccccc';
}

export class PianoRoll {
  /**
   * @param {{canvas: HTMLCanvasElement, track: HTMLElement, scroller: HTMLElement, playhead: HTMLElement, legend: HTMLElement}} elements
   */
  constructor({ canvas, track, scroller, playhead, legend }) {
    this.canvas = canvas;
    this.track = track;
    this.scroller = scroller;
    this.playhead = playhead;
    this.legend = legend;
    /** @type {Note[]} */
    this.notes = [];
    this.seconds = 30;
    this.lowestPitch = 48;
    this.highestPitch = 84;
    this.pixelsPerSecond = PIXELS_PER_SECOND;
    this.drawPending = false;
    new ResizeObserver(() => this.layout()).observe(scroller);
  }

  /**
   * Starts an empty roll for a piece: its length fixes the time axis and its instruments'
   * ranges the pitch axis, so the roll does not jump around as notes arrive.
   * @param {{instruments: string[], seconds: number}} header
   * @param {Map<string, InstrumentSpec>} specs
   */
  reset(header, specs) {
    this.notes = [];
    this.seconds = Math.max(1, header.seconds);
    const ranges = header.instruments.map((name) => specs.get(name)).filter((spec) => spec !== undefined);
    this.lowestPitch = Math.min(...ranges.map((spec) => spec.lowestPitch), 127) - PITCH_MARGIN;
    this.highestPitch = Math.max(...ranges.map((spec) => spec.highestPitch), 0) + PITCH_MARGIN;
    if (this.lowestPitch > this.highestPitch) [this.lowestPitch, this.highestPitch] = [36, 96];
    this.renderLegend(header.instruments, specs);
    this.setPlayhead(0);
    this.layout();
  }

  /** @param {Note[]} notes */
  add(notes) {
    const axes = [this.seconds, this.lowestPitch, this.highestPitch].join();
    for (const note of notes) {
      this.notes.push(note);
      // A primer can make the piece longer than the header's estimate, or reach outside the ranges.
      this.seconds = Math.max(this.seconds, note.start + note.duration);
      this.lowestPitch = Math.min(this.lowestPitch, note.pitch - PITCH_MARGIN);
      this.highestPitch = Math.max(this.highestPitch, note.pitch + PITCH_MARGIN);
    }
    this.canvas.dataset.notes = String(this.notes.length);
    // Resizing a canvas is costly, so only when the axes grew.
    if ([this.seconds, this.lowestPitch, this.highestPitch].join() === axes) this.scheduleDraw();
    else this.layout();
  }

  /** Moves the playhead and keeps it in view while the music plays. @param {number} seconds */
  setPlayhead(seconds) {
    const x = seconds * this.pixelsPerSecond;
    this.playhead.style.transform = `translateX(${x}px)`;
    const { scrollLeft, clientWidth } = this.scroller;
    if (x < scrollLeft || x > scrollLeft + clientWidth * 0.75) this.scroller.scrollLeft = Math.max(0, x - clientWidth * 0.25);
  }

  /** Sizes the canvas for the current piece and viewport, then schedules a redraw. */
  layout() {
    const ratio = window.devicePixelRatio || 1;
    const fitted = this.scroller.clientWidth / this.seconds;
    const widest = MAX_CANVAS_PIXELS / ratio / this.seconds;
    this.pixelsPerSecond = Math.min(Math.max(PIXELS_PER_SECOND, fitted), widest);
    const width = Math.ceil(this.seconds * this.pixelsPerSecond);
    const height = this.scroller.clientHeight;
    this.track.style.width = `${width}px`;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.scheduleDraw();
  }

  scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  draw() {
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const ratio = this.canvas.width / Math.max(1, this.canvas.clientWidth);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const rowHeight = height / (this.highestPitch - this.lowestPitch + 1);
    const y = (/** @type {number} */ pitch) => (this.highestPitch - pitch) * rowHeight;
    context.clearRect(0, 0, width, height);

    // Octave lines at every C and a tick every second: enough to read register and time.
    context.fillStyle = 'rgba(255, 255, 255, 0.08)';
    for (let pitch = Math.ceil(this.lowestPitch / 12) * 12; pitch <= this.highestPitch; pitch += 12) {
      context.fillRect(0, Math.round(y(pitch) + rowHeight), width, 1);
    }
    for (let second = 1; second < this.seconds; second += 1) {
      context.fillStyle = second % 10 === 0 ? 'rgba(255, 255, 255, 0.12)' : 'rgba(255, 255, 255, 0.04)';
      context.fillRect(Math.round(second * this.pixelsPerSecond), 0, 1, height);
    }

    const noteHeight = Math.max(2, rowHeight - 1);
    for (const note of this.notes) {
      context.fillStyle = instrumentColour(note.instrument);
      // Louder notes are more opaque; primer notes are faded to set them apart from new music.
      context.globalAlpha = note.primer ? 0.35 : 0.55 + (0.45 * note.velocity) / 127;
      const x = note.start * this.pixelsPerSecond;
      context.fillRect(x, y(note.pitch), Math.max(2, note.duration * this.pixelsPerSecond - 1), noteHeight);
    }
    context.globalAlpha = 1;
  }

  /** @param {string[]} instruments @param {Map<string, InstrumentSpec>} specs */
  renderLegend(instruments, specs) {
    this.legend.replaceChildren(
      ...instruments.map((name) => {
        const item = document.createElement('li');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = instrumentColour(name);
        item.append(swatch, specs.get(name)?.label ?? name);
        return item;
      }),
    );
  }
}
