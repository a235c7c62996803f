import { describe, expect, it } from 'vitest';
import { progressBar } from '../../cli/progress.js';

function fakeTerminal(): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY: true, columns: 120, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('progressBar', () => {
  it('redraws one line on a terminal and ends it when the work is done', () => {
    const { stream, written } = fakeTerminal();
    const report = progressBar('prepare', stream);
    report(0, 4, 'first.mid');
    report(4, 4, 'done');
    expect(written[0]).toMatch(/prepare \[\.+\] 0\/4/);
    expect(written[0]?.startsWith('\r')).toBe(true);
    expect(written[written.length - 1]).toMatch(/prepare \[#+\] 4\/4 .*done\n$/);
  });

  it('keeps quiet where stderr is not a terminal', () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    const report = progressBar('prepare', stream);
    report(1, 2, 'x');
    report(2, 2, 'done');
    expect(written).toEqual([]);
  });
});
