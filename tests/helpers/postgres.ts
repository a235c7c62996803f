/**
 * A real PostgreSQL server for a test: a fresh cluster in a temporary folder, on 127.0.0.1 at a free port,
 * with fsync off (nothing in it has to survive a crash of the machine; a killed server keeps its commits). Uses the installed server's
 * binaries (Debian's postgresql package: /usr/lib/postgresql/<version>/bin, or on PATH). initdb refuses to
 * run as root, so as root the cluster belongs to the `postgres` user the package creates and runs as it.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';
import { temporaryFolder } from './paths.js';
import { freePort } from './ports.js';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication: no password). */
  url: string;
  port: number;
  /** A URL to a new, empty database on this server, so tests do not see each other's rows. */
  createDatabase(): Promise<string>;
  /** Kills the server as a crash would (`pg_ctl stop -m immediate`), keeping its data. */
  stopServer(): void;
  /** Starts it again on the same port after stopServer. */
  startServer(): void;
  /** Stops the server and removes its folder. */
  stop(): void;
}

const BINARIES = ['initdb', 'pg_ctl', 'postgres'] as const;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The folder holding initdb, pg_ctl and postgres: the first on PATH that has all three, else the newest installed version. */
export function postgresBinFolder(): string {
  const installed = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((version) => /^\d+$/.test(version))
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => join('/usr/lib/postgresql', version, 'bin'))
    : [];
  const folders = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...installed];
  const found = folders.find((folder) => BINARIES.every((name) => isExecutable(join(folder, name))));
  if (!found) {
    throw new Error(
      `PostgreSQL's server binaries (${BINARIES.join(', ')}) are not on PATH or in /usr/lib/postgresql/*/bin: apt-get install postgresql`,
    );
  }
  // /usr/local/bin may hold links into one version's folder: run that version's binaries together.
  return dirname(realpathSync(join(found, 'initdb')));
}

function run(command: string, args: readonly string[], what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} exited with ${result.status}: ${`${result.stdout}\n${result.stderr}`.trim()}`);
  return result.stdout;
}

/** The `postgres` user's ids, which root runs the server as. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      "the tests run as root, which initdb refuses, and there is no `postgres` user to run PostgreSQL as (Debian's postgresql package creates one): install it or run the tests as another user",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/** Runs a PostgreSQL binary, as the `postgres` user when this process is root. */
function runPostgresBinary(binary: string, args: readonly string[]): string {
  if (process.getuid?.() !== 0) return run(binary, args, binary);
  if (isExecutable('/usr/sbin/runuser') || isExecutable('/sbin/runuser'))
    return run('runuser', ['-u', 'postgres', '--', binary, ...args], binary);
  const quoted = [binary, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  return run('su', ['postgres', '-s', '/bin/sh', '-c', quoted], binary);
}

/** Runs one statement on its own connection, as an independent reader of what a history wrote. */
export async function queryOnce<Row extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Initialises a cluster and starts it; `stop()` it when done (it is also stopped if the process exits first). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinFolder();
  const folder = temporaryFolder('postgres');
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    chownSync(folder, uid, gid);
  }
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  runPostgresBinary(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  writeFileSync(
    join(data, 'postgresql.conf'),
    [
      readFileSync(join(data, 'postgresql.conf'), 'utf8'),
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${folder}'`,
      // Nothing here has to survive the machine crashing, but a killed server must keep what it committed
      // (tests kill it): fsync off (the OS still has the writes), synchronous_commit on.
      'fsync = off',
      'full_page_writes = off',
      'shared_buffers = 16MB',
      '',
    ].join('\n'),
  );

  let port = 0;
  const pgCtl = join(bin, 'pg_ctl');
  const startServer = (): void => {
    try {
      runPostgresBinary(pgCtl, ['-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port}`, 'start']);
    } catch (error) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nserver log:\n${tail}`);
    }
  };
  let running = false;
  const stopServer = (): void => {
    if (!running) return;
    runPostgresBinary(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    running = false;
  };
  // Another process may take the free port before the server does: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      startServer();
      running = true;
      break;
    } catch (error) {
      if (attempt === 3) {
        rmSync(folder, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const stopOnExit = (): void => stopServer();
  process.once('exit', stopOnExit);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    port,
    async createDatabase() {
      const name = `test_${++databases}`;
      await queryOnce(url, `CREATE DATABASE ${name}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stopServer,
    startServer() {
      startServer();
      running = true;
    },
    stop() {
      process.removeListener('exit', stopOnExit);
      try {
        stopServer();
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
