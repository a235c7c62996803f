// Playback. A piece being written plays from its live stream: where the browser has WebCodecs, its Opus
// packets decoded in the page (liveOpus.js: sound about 0.1 s after the first packet), else through the
// <audio> element from live.webm (the browser's own buffering, slower to start). Finished pieces, and
// any replay, play their file through <audio>, which seeks. Either clock drives the piano roll's playhead.

import { routeThroughTap, sound, webCodecsPlayable } from './audioGraph.js';
import { LiveOpus } from './liveOpus.js';

/** @param {number} seconds */
export function formatTime(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export class Player {
  /**
   * @param {{audio: HTMLAudioElement, button: HTMLButtonElement, clock: HTMLElement}} elements
   * @param {{tick: (seconds: number) => void, change: (state: 'playing' | 'stopped' | 'blocked' | 'error') => void}} listeners
   */
  constructor({ audio, button, clock }, listeners) {
    this.audio = audio;
    this.button = button;
    this.clock = clock;
    this.listeners = listeners;
    /** The finished file to play from the start next time, once the live stream has served. */
    this.nextSource = '';
    this.following = false;
    /** @type {LiveOpus | undefined} the live packets, while they play */
    this.live = undefined;
    button.addEventListener('click', () => (this.playing ? this.stop() : this.play()));
    audio.addEventListener('playing', () => {
      this.render();
      this.listeners.change('playing');
      this.follow();
    });
    audio.addEventListener('pause', () => this.stopped());
    audio.addEventListener('ended', () => this.stopped());
    audio.addEventListener('error', () => {
      // Emptying the element (reset, or handing over to the live packets) is not an error to show.
      if (!this.audio.getAttribute('src')) return;
      this.render();
      this.listeners.change('error');
    });
  }

  get playing() {
    if (this.live) return this.live.playing;
    return !this.audio.paused && !this.audio.ended;
  }

  get currentTime() {
    return this.live ? this.live.currentTime : this.audio.currentTime || 0;
  }

  /** Loads a source into <audio> and, when asked, plays it (a Generate click counts as the user's gesture). @param {string} url @param {boolean} autoplay */
  load(url, autoplay) {
    this.closeLive();
    this.nextSource = '';
    this.audio.src = url;
    this.button.disabled = false;
    this.render();
    if (autoplay) this.play();
  }

  /**
   * A piece being written: its packets decoded here where the browser can, else live.webm through
   * <audio>, which is also where a failure before the first sound falls back to.
   * @param {{packets: string, webm: string}} urls @param {boolean} autoplay
   */
  loadLive(urls, autoplay) {
    if (!webCodecsPlayable()) {
      sound.fallback = 'no AudioDecoder or AudioWorklet in this browser';
      this.loadLiveWebm(urls.webm, autoplay);
      return;
    }
    this.reset();
    sound.path = 'webcodecs';
    const live = new LiveOpus(urls.packets, {
      playing: () => {
        this.render();
        this.listeners.change('playing');
        this.follow();
      },
      paused: () => this.stopped(),
      ended: () => {
        // Played to the end: the next Play plays the file (preferNext), from the start.
        if (this.live === live) this.live = undefined;
        this.stopped();
      },
      blocked: () => this.listeners.change('blocked'),
      failed: (error, heard) => {
        if (this.live !== live) return;
        this.live = undefined;
        if (!heard) {
          sound.fallback = error.message;
          this.loadLiveWebm(urls.webm, autoplay || !live.paused);
          return;
        }
        this.render();
        this.listeners.change('error');
      },
    });
    this.live = live;
    this.button.disabled = false;
    live.start(autoplay);
    this.render();
  }

  /** @param {string} url @param {boolean} autoplay */
  loadLiveWebm(url, autoplay) {
    sound.path = 'audio';
    this.load(url, autoplay);
  }

  /** Plays `url` from the start next time playback starts, without cutting off what plays now. @param {string} url */
  preferNext(url) {
    // A paused live stream keeps its place: Play goes on from there, and the file waits for the end.
    if (this.playing || this.live) this.nextSource = url;
    else this.load(url, false);
  }

  play() {
    if (this.live) {
      this.live.play();
      return;
    }
    if (this.nextSource) this.load(this.nextSource, false);
    if (this.audio.ended) this.audio.currentTime = 0;
    // Measuring (audioGraph.js), the element plays through the first-sound tap: connected before it sounds.
    routeThroughTap(this.audio)
      .then(() => this.audio.play())
      .catch((/** @type {Error} */ error) => {
        // Autoplay without a gesture (opening a shared link) is refused: the Play button remains.
        if (error.name === 'NotAllowedError') this.listeners.change('blocked');
      });
  }

  stop() {
    if (this.live) {
      // The live stream has no file to seek in yet: Stop is a pause, as with live.webm.
      this.live.pause();
      this.listeners.tick(this.live.currentTime);
      this.render();
      return;
    }
    this.audio.pause();
    // A live stream may not be seekable yet; then Stop is a pause, which is the best it can do.
    if (this.audio.seekable.length > 0) this.audio.currentTime = 0;
    this.listeners.tick(this.audio.currentTime);
    this.render();
  }

  closeLive() {
    const live = this.live;
    this.live = undefined;
    live?.close();
  }

  reset() {
    this.closeLive();
    this.audio.pause();
    this.audio.removeAttribute('src');
    this.audio.load();
    this.nextSource = '';
    this.button.disabled = true;
    this.render();
  }

  stopped() {
    this.render();
    this.listeners.change('stopped');
  }

  /** Drives the playhead from the audio clock, once per frame while sound plays. */
  follow() {
    // 'playing' fires again after every stall: one loop is enough.
    if (this.following) return;
    this.following = true;
    const step = () => {
      this.listeners.tick(this.currentTime);
      this.clock.textContent = formatTime(this.currentTime);
      if (this.playing) requestAnimationFrame(step);
      else this.following = false;
    };
    requestAnimationFrame(step);
  }

  render() {
    this.button.textContent = this.playing ? 'Stop' : 'Play';
    this.clock.textContent = formatTime(this.currentTime);
  }
}
