declare module 'midi-parser-js' {
  const MidiParser: { parse(input: Uint8Array): unknown };
  export default MidiParser;
}
