// Playback through one <audio> element: the server streams a piece's sound while it renders it
// (live.webm), so the browser's own buffering gives "plays at once" without any Web Audio code,
// and audio.currentTime is the clock the piano roll's playhead follows.

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
    button.addEventListener('click', () => (this.playing ? this.stop() : this.play()));
    audio.addEventListener('playing', () => {
      this.render();
      this.listeners.change('playing');
      this.follow();
    });
    audio.addEventListener('pause', () => this.stopped());
    audio.addEventListener('ended', () => this.stopped());
    audio.addEventListener('error', () => {
      this.render();
      this.listeners.change('error');
    });
  }

  get playing() {
    return !this.audio.paused && !this.audio.ended;
  }

  /** Loads a source and, when asked, plays it (a Generate click counts as the user's gesture). @param {string} url @param {boolean} autoplay */
  load(url, autoplay) {
    this.nextSource = '';
    this.audio.src = url;
    this.button.disabled = false;
    this.render();
    if (autoplay) this.play();
  }

  /** Plays `url` from the start next time playback starts, without cutting off what plays now. @param {string} url */
  preferNext(url) {
    if (this.playing) this.nextSource = url;
    else this.load(url, false);
  }

  play() {
    if (this.nextSource) this.load(this.nextSource, false);
    if (this.audio.ended) this.audio.currentTime = 0;
    this.audio.play().catch((/** @type {Error} */ error) => {
      // Autoplay without a gesture (opening a shared link) is refused: the Play button remains.
      if (error.name === 'NotAllowedError') this.listeners.change('blocked');
    });
  }

  stop() {
    this.audio.pause();
    // A live stream may not be seekable yet; then Stop is a pause, which is the best it can do.
    if (this.audio.seekable.length > 0) this.audio.currentTime = 0;
    this.listeners.tick(this.audio.currentTime);
    this.render();
  }

  reset() {
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
      this.listeners.tick(this.audio.currentTime);
      this.clock.textContent = formatTime(this.audio.currentTime);
      if (this.playing) requestAnimationFrame(step);
      else this.following = false;
    };
    requestAnimationFrame(step);
  }

  render() {
    this.button.textContent = this.playing ? 'Stop' : 'Play';
    this.clock.textContent = formatTime(this.audio.currentTime || 0);
  }
}
