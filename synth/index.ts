/** synth/: notes to 48 kHz stereo PCM through FluidSynth on WebAssembly, PCM to WAV, Ogg/Opus and MP3, and to Opus packets. */
export { benchmarkSynthesis, type SynthesisBenchmark, type SynthesisBenchmarkOptions } from './benchmark.js';
export { type CompressedFormat, encodeFileWithFfmpeg, encodeWithFfmpeg, FfmpegMissingError } from './ffmpeg.js';
export { DEFAULT_SOUNDFONT } from './fluid.js';
export { notesToMidi, readMidiNotes } from './midiFile.js';
export { oggOpusFile } from './oggOpus.js';
export { OPUS_BITRATE, OPUS_FRAME_MS, OPUS_PRE_SKIP, OpusFrameEncoder, opusHead } from './opus.js';
export { AUDIO_FORMATS, type AudioFormat, encodeAudio, formatForPath, readWavPcm, WavFileWriter, writeAudioFile } from './output.js';
export { CHANNELS, concatPcm, FRAME_QUANTUM, pcmSeconds, SAMPLE_RATE } from './pcm.js';
export type { PieceAudioHeader, RenderOptions } from './render.js';
export { loadSynth, type NoteSource, type Synth, type SynthOptions } from './synth.js';
export { encodeWav, wavHeader } from './wav.js';
