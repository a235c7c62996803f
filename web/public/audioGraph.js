// The page's one AudioContext, made at the first Generate or Play (a user's gesture lets it start), with
// the worklets of liveWorklet.js loaded; and the first-sound hook.
//
// The first-sound hook: `window.partitaSound` holds what the live audio did (which path played it, packets
// and frames decoded and played, underruns, why it fell back to <audio>). With `window.partitaMeasure =
// true` set before the page loads (benchmarks/clickToSound.ts and tests/web/e2e-live.test.ts do it with
// addInitScript), everything the page plays passes through the 'partita-first-sound' tap on its way out,
// the <audio> element too (through a MediaElementAudioSourceNode), so both paths are timed the same way:
// `generateAt` is performance.now() at Generate, `answeredAt` when the server had taken the piece, `firstSoundAt` the same clock when the first sample
// over -80 dBFS reaches the output (when the tap's report of it arrives, plus the output's latency), and
// on the WebCodecs path `firstPacketAt` when the first Opus packet came and `bufferedAt` when the worklet
// had its jitter buffer (when it told the page).

export const RATE = 48_000;

/** @typedef {{measuring: boolean, path: '' | 'webcodecs' | 'audio', generateAt: number, answeredAt: number, firstSoundAt: number, firstPacketAt: number, graphReadyAt: number, bufferedAt: number, packets: number, framesDecoded: number, framesPlayed: number, underruns: number, fallback: string}} SoundRecord */

/** What a piece's sound starts from: nothing yet. @param {number} generateAt */
function freshRecord(generateAt) {
  return {
    path: /** @type {SoundRecord['path']} */ (''),
    generateAt,
    answeredAt: 0,
    firstSoundAt: 0,
    firstPacketAt: 0,
    graphReadyAt: 0,
    bufferedAt: 0,
    packets: 0,
    framesDecoded: 0,
    framesPlayed: 0,
    underruns: 0,
    fallback: '',
  };
}

/** @type {SoundRecord} */
export const sound = { measuring: Boolean(/** @type {any} */ (globalThis).partitaMeasure), ...freshRecord(0) };
/** @type {any} */ (globalThis).partitaSound = sound;

/** Whether this browser can play the live packets itself: WebCodecs (secure contexts only: https or localhost) and AudioWorklet. */
export function webCodecsPlayable() {
  return typeof globalThis.AudioDecoder === 'function' && typeof globalThis.AudioWorkletNode === 'function';
}

/** @type {{context: AudioContext, output: Promise<AudioNode>} | undefined} */
let graph;
/** @type {(() => void) | undefined} */
let armTap;
let tapArmed = false;
/** @type {WeakSet<HTMLMediaElement>} */
const routed = new WeakSet();

/** The context, and where players connect: the speakers, or the first-sound tap in front of them. */
export function audioGraph() {
  if (!graph) {
    const context = new AudioContext({ sampleRate: RATE, latencyHint: 'interactive' });
    const output = context.audioWorklet.addModule(new URL('./liveWorklet.js', import.meta.url)).then(() => {
      if (!sound.measuring) return context.destination;
      const tap = new AudioWorkletNode(context, 'partita-first-sound', { outputChannelCount: [2] });
      tap.connect(context.destination);
      tap.port.onmessage = ({ data }) => {
        if (data.type !== 'sound') return;
        // When the report arrives, on to the speakers by the output's latency: at most one main-thread task
        // late, never early. (Back-dated by the audio clock, or by getOutputTimestamp(), it came before the
        // first packet had, 2 times in 30: headless Chromium's fake output keeps no real time on a busy machine.)
        sound.firstSoundAt = performance.now() + (context.baseLatency + (context.outputLatency || 0)) * 1000;
      };
      armTap = () => tap.port.postMessage({ type: 'arm' });
      if (tapArmed) armTap();
      return tap;
    });
    graph = { context, output };
  }
  return graph;
}

/**
 * At the page's start: the context and its worklets made now, not at Generate (that cost 130-250 ms
 * on the click's path in headless Chromium on a busy machine, benchmarks/clickToSound.ts), then held
 * suspended (a browser without a gesture keeps it so anyway) until Generate or Play.
 */
export function prepareAudio() {
  if (!webCodecsPlayable() && !sound.measuring) return;
  const { context, output } = audioGraph();
  output.then(
    () => {
      if (context.state === 'running' && !wanted) context.suspend().catch(() => {});
    },
    () => {},
  );
}

/** Whether something has asked for sound: then the context is not suspended again. */
let wanted = false;

/** Starts the context (or asks to: without a gesture the browser may refuse until Play is pressed). */
export function resumeAudio() {
  wanted = true;
  const { context } = audioGraph();
  if (context.state === 'suspended') context.resume().catch(() => {});
}

/** At Generate (a gesture): starts the context now, so it is running by the time the first packets come. */
export function warmUp() {
  if (webCodecsPlayable() || sound.measuring) resumeAudio();
}

/** At Generate: a new piece, a new first sound. */
export function startTiming() {
  Object.assign(sound, freshRecord(performance.now()));
  if (!sound.measuring) return;
  tapArmed = true;
  armTap?.();
}

/**
 * Measuring only: sends an <audio> element's sound through the tap (once; it stays so). Resolves when
 * it does, so that nothing plays past the tap. @param {HTMLMediaElement} audio
 */
export async function routeThroughTap(audio) {
  if (!sound.measuring || routed.has(audio)) return;
  const { context, output } = audioGraph();
  const tap = await output;
  if (routed.has(audio)) return;
  routed.add(audio);
  context.createMediaElementSource(audio).connect(tap);
  resumeAudio();
}
