import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * MuseScore 3 (Debian's musescore3), run headless as an independent reader of our scores: one
 * batch job converts many files, since each start costs about a second.
 */
export function museScoreConvert(jobs: readonly { in: string; out: string }[], folder: string): void {
  const jobFile = join(folder, 'musescore-job.json');
  writeFileSync(jobFile, JSON.stringify(jobs));
  execFileSync('musescore3', ['-j', jobFile], {
    env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: folder },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
}

/** xmllint (Debian's libxml2-utils) against an XSD; its whole report on failure. */
export function validateAgainstSchema(files: readonly string[], schema: string): { ok: boolean; report: string } {
  try {
    execFileSync('xmllint', ['--noout', '--schema', schema, ...files], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    return { ok: true, report: '' };
  } catch (error) {
    const failure = error as { stderr?: Buffer };
    return { ok: false, report: failure.stderr?.toString() ?? String(error) };
  }
}
