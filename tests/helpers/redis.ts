import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { temporaryFolder } from './paths.js';
import { freePort } from './ports.js';

export interface RedisServer {
  url: string;
  /** Stops the server as a crash would (SIGKILL); `start` brings it back on the same port, empty. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Debian's redis-server on a loopback port, with nothing saved to disk, for one test file. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const folder = temporaryFolder('redis');
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = server;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      server.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      server.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${output.slice(-500)}`)));
    });
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
