/** A cello piece's header and request as the studio stores them, for tests of the history. */
export function celloPiece(seconds: number) {
  return {
    header: {
      instruments: ['cello' as const],
      parts: [{ instrument: 'cello' as const, slot: 0, name: 'Cello' }],
      tempo: 80,
      timeSignature: [3, 4] as [number, number],
      seed: 42,
      seconds,
    },
    request: { instrument: 'cello', seconds, temperature: 1, topP: 0.95 },
  };
}
