// The compose form: filled from /api/options so the page offers exactly what the server accepts,
// and checked here first for what a person can fix without a round trip (the server checks
// everything again and its messages are shown as they come).

const MAX_SEED = 2 ** 31 - 1;

/**
 * @typedef {{name: string, label: string, lowestPitch: number, highestPitch: number, color: string}} InstrumentOption
 * @typedef {{name: string, label: string, instruments: string[]}} EnsembleOption
 * @typedef {{
 *   instruments: InstrumentOption[],
 *   ensembles: EnsembleOption[],
 *   composers: {name: string, label: string}[],
 *   keys?: {name: string, label: string}[],
 *   metres?: string[],
 *   limits?: {minSeconds?: number, maxSeconds?: number, maxPrimerBytes?: number},
 *   defaults?: {instrument?: string, seconds?: number, temperature?: number},
 * }} Options
 */

/** @param {string} value @param {string} label */
function option(value, label) {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = label;
  return element;
}

/** @param {string} label @param {HTMLOptionElement[]} options */
function group(label, options) {
  const element = document.createElement('optgroup');
  element.label = label;
  element.append(...options);
  return element;
}

/** @param {number} bytes */
function formatBytes(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB` : `${Math.round(bytes / 1024)} KB`;
}

export class ComposeForm {
  /** @param {HTMLFormElement} form */
  constructor(form) {
    this.form = form;
    this.instrument = /** @type {HTMLSelectElement} */ (form.elements.namedItem('instrument'));
    this.composer = /** @type {HTMLSelectElement} */ (form.elements.namedItem('composer'));
    this.key = /** @type {HTMLSelectElement} */ (form.elements.namedItem('key'));
    this.metre = /** @type {HTMLSelectElement} */ (form.elements.namedItem('metre'));
    this.seconds = /** @type {HTMLInputElement} */ (form.elements.namedItem('seconds'));
    this.tempo = /** @type {HTMLInputElement} */ (form.elements.namedItem('tempo'));
    this.temperature = /** @type {HTMLInputElement} */ (form.elements.namedItem('temperature'));
    this.seed = /** @type {HTMLInputElement} */ (form.elements.namedItem('seed'));
    this.primer = /** @type {HTMLInputElement} */ (form.elements.namedItem('primer'));
    this.generate = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    this.maxPrimerBytes = 1024 * 1024;
    this.busy = false;
    const temperatureValue = /** @type {HTMLOutputElement} */ (form.querySelector('#temperature-value'));
    const showTemperature = () => {
      temperatureValue.value = Number(this.temperature.value).toFixed(2);
    };
    this.temperature.addEventListener('input', showTemperature);
    showTemperature();
    form.querySelector('#dice')?.addEventListener('click', () => {
      this.seed.value = String(Math.floor(Math.random() * (MAX_SEED + 1)));
    });
  }

  /** @param {Options} options */
  fill(options) {
    this.instrument.replaceChildren(
      group(
        'Instruments',
        options.instruments.map((spec) => option(spec.name, spec.label)),
      ),
      group(
        'Ensembles',
        options.ensembles.map((ensemble) => option(ensemble.name, ensemble.label)),
      ),
    );
    this.instrument.value = options.defaults?.instrument ?? 'piano';
    this.composer.append(...options.composers.map((composer) => option(composer.name, composer.label)));
    this.key.append(...(options.keys ?? []).map((key) => option(key.name, key.label)));
    this.metre.append(...(options.metres ?? []).map((metre) => option(metre, metre)));
    const limits = options.limits ?? {};
    if (limits.minSeconds) this.seconds.min = String(limits.minSeconds);
    if (limits.maxSeconds) this.seconds.max = String(limits.maxSeconds);
    if (limits.maxPrimerBytes) this.maxPrimerBytes = limits.maxPrimerBytes;
    if (options.defaults?.seconds) this.seconds.value = String(options.defaults.seconds);
    if (options.defaults?.temperature) this.temperature.value = String(options.defaults.temperature);
    this.temperature.dispatchEvent(new Event('input'));
    this.form
      .querySelector('label[for="primer"]')
      ?.replaceChildren(`Continue a MIDI file (optional, up to ${formatBytes(this.maxPrimerBytes)})`);
  }

  /**
   * Shows an opened piece's settings, so writing it again or a variation of it is one change away.
   * @param {{instrument: string, composer?: string, key?: string, metre?: string, seconds: number, tempo?: number, temperature: number}} request
   * @param {number} seed
   */
  show(request, seed) {
    this.instrument.value = request.instrument;
    this.composer.value = request.composer ?? '';
    this.key.value = request.key ?? '';
    this.metre.value = request.metre ?? '';
    this.seconds.value = String(request.seconds);
    this.tempo.value = request.tempo ? String(request.tempo) : '';
    this.temperature.value = String(request.temperature);
    this.temperature.dispatchEvent(new Event('input'));
    this.seed.value = String(seed);
  }

  /**
   * The request's fields, or the reason they cannot be sent; empty optional fields are left
   * out so the server picks (any composer, the primer's or a default tempo, a random seed).
   * @returns {{fields: Record<string, string | number>, primer: File | undefined} | {problem: string, field: HTMLElement}}
   */
  read() {
    for (const input of [this.seconds, this.tempo, this.seed]) {
      if (!input.checkValidity()) {
        const label = this.form.querySelector(`label[for="${input.id}"]`)?.textContent ?? input.name;
        return { problem: `${label}: ${input.validationMessage}`, field: input };
      }
    }
    /** @type {Record<string, string | number>} */
    const fields = { instrument: this.instrument.value, seconds: Number(this.seconds.value), temperature: Number(this.temperature.value) };
    if (this.composer.value) fields.composer = this.composer.value;
    if (this.key.value) fields.key = this.key.value;
    if (this.metre.value) fields.metre = this.metre.value;
    if (this.tempo.value) fields.tempo = Number(this.tempo.value);
    if (this.seed.value) fields.seed = Number(this.seed.value);
    const primer = this.primer.files?.[0];
    if (primer && primer.size > this.maxPrimerBytes) {
      return {
        problem: `The MIDI file is ${formatBytes(primer.size)}; the limit is ${formatBytes(this.maxPrimerBytes)}.`,
        field: this.primer,
      };
    }
    return { fields, primer };
  }

  /**
   * aria-disabled rather than disabled: a disabled button drops keyboard focus to the page's top.
   * @param {boolean} busy
   */
  setBusy(busy) {
    this.busy = busy;
    this.generate.setAttribute('aria-disabled', String(busy));
    this.generate.textContent = busy ? 'Sending…' : 'Generate';
  }
}
