// The Score view: the piece's MusicXML engraved in the browser by Verovio (served by this app from
// its npm package, never from a CDN), redrawn as the piece is written, with the bar being played
// highlighted and kept in view. Verovio (7 MB) loads only when the view is first opened.

const VEROVIO_URL = '/static/vendor/verovio-toolkit-wasm.js';
/** A draft is fetched again at most this often while the piece is written. */
const DRAFT_REFRESH_MS = 3000;

/** @typedef {{ setOptions(o: object): void, loadData(d: string): boolean, getPageCount(): number, renderToSVG(p: number): string, renderToTimemap(o?: object): unknown, getElementsAtTime(ms: number): { measure?: string, page?: number } }} Toolkit */

/** @type {Promise<Toolkit> | undefined} */
let toolkit;

/** @returns {Promise<Toolkit>} */
function loadVerovio() {
  toolkit ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = VEROVIO_URL;
    script.onerror = () => reject(new Error('the score engraver (Verovio) could not be loaded'));
    script.onload = () => {
      const verovio = /** @type {any} */ (globalThis).verovio;
      const ready = () => resolve(new verovio.toolkit());
      if (verovio.module.calledRun) ready();
      else verovio.module.onRuntimeInitialized = ready;
    };
    document.head.append(script);
  });
  return toolkit;
}

export class ScoreView {
  /** @param {{ container: HTMLElement, status: HTMLElement, scroller: HTMLElement }} elements */
  constructor(elements) {
    this.elements = elements;
    this.url = '';
    this.final = false;
    this.visible = false;
    /** Whether what is drawn is older than what the server has. */
    this.stale = false;
    this.drawing = false;
    this.lastFetch = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {Element | null} */
    this.playing = null;
    this.hasTimemap = false;
  }

  reset() {
    clearTimeout(this.timer);
    Object.assign(this, { url: '', final: false, stale: false, playing: null, hasTimemap: false });
    this.elements.container.replaceChildren();
    this.elements.status.textContent = '';
  }

  /** The score's address: a draft while the piece is written (`final` false), the finished file after. @param {string} url @param {boolean} final */
  setSource(url, final) {
    this.url = url;
    this.final = final;
    this.stale = true;
    this.schedule();
  }

  /** New notes arrived: the draft is behind. */
  changed() {
    if (this.final || !this.url) return;
    this.stale = true;
    this.schedule();
  }

  /** @param {boolean} visible */
  setVisible(visible) {
    this.visible = visible;
    if (visible) this.schedule();
  }

  schedule() {
    if (!this.visible || !this.stale || !this.url || this.drawing) return;
    clearTimeout(this.timer);
    const wait = this.final ? 0 : Math.max(0, this.lastFetch + DRAFT_REFRESH_MS - Date.now());
    this.timer = setTimeout(() => this.draw(), wait);
  }

  async draw() {
    const url = this.url;
    this.drawing = true;
    this.stale = false;
    this.lastFetch = Date.now();
    const { container, status } = this.elements;
    try {
      if (!container.firstChild) status.textContent = 'Engraving the score…';
      const [engraver, response] = await Promise.all([loadVerovio(), fetch(url)]);
      if (!response.ok) throw new Error(`the score could not be fetched (${response.status})`);
      const xml = await response.text();
      if (url !== this.url) return;
      const width = Math.max(320, container.clientWidth);
      const scale = width < 500 ? 28 : 36;
      engraver.setOptions({
        pageWidth: Math.round((width * 100) / scale),
        scale,
        adjustPageHeight: true,
        breaks: 'auto',
        header: 'none',
        footer: 'none',
      });
      if (!engraver.loadData(xml)) throw new Error('the score could not be read');
      const pages = [];
      for (let page = 1; page <= engraver.getPageCount(); page++) pages.push(engraver.renderToSVG(page));
      container.innerHTML = pages.join('');
      // Verovio needs the timing of the notes before it can tell which bar sounds when.
      engraver.renderToTimemap({ includeMeasures: true });
      this.hasTimemap = true;
      this.playing = null;
      status.textContent = this.final ? '' : 'The score fills in as the piece is written.';
      container.dataset.measures = String(container.querySelectorAll('g.measure').length);
      container.dataset.final = String(this.final);
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      this.drawing = false;
      this.schedule();
    }
  }

  /** Highlights the bar sounding at `seconds` and keeps it in view. @param {number} seconds */
  async setTime(seconds) {
    if (!this.visible || !this.hasTimemap || !toolkit) return;
    const engraver = await toolkit;
    const { measure } = engraver.getElementsAtTime(Math.round(seconds * 1000));
    const found = measure ? this.elements.container.querySelector(`[id="${measure}"]`) : null;
    if (!found || found === this.playing) return;
    this.playing?.classList.remove('playing');
    found.classList.add('playing');
    this.playing = found;
    const box = found.getBoundingClientRect();
    const view = this.elements.scroller.getBoundingClientRect();
    if (box.top < view.top || box.bottom > view.bottom)
      this.elements.scroller.scrollTop += box.top - view.top - (view.height - box.height) / 3;
  }
}
