/**
 * `native-pty-web` (and `npm start` in the repository): serves your terminals to a browser and
 * prints the address to open, token included, on a line of its own.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, startWebTerminal, type WebTerminalOptions } from './server.js';

const USAGE = `Usage: native-pty-web [options] [-- command [args...]]

Serves a terminal in your browser: a new shell (or the command given), your other sessions,
and the vt-pipe sessions of your control directory.

  --port N          port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR       address to listen on (default 127.0.0.1)
  --allow-remote    allow a non-loopback --host (anyone with the URL gets a shell)
  --cert FILE       serve HTTPS with this certificate (PEM), with --key
  --key FILE        the certificate's private key (PEM)
  --control-dir DIR vt-pipe's control directory (default: vt-pipe's own default)
  --persist         run new sessions under vt-pipe, so that they outlive this server
  --no-vt-pipe      do not show vt-pipe sessions
  -h, --help        this text
`;

function fail(message: string): never {
  process.stderr.write(`native-pty-web: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        cert: { type: 'string' },
        key: { type: 'string' },
        'control-dir': { type: 'string' },
        'no-vt-pipe': { type: 'boolean' },
        persist: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const options: WebTerminalOptions = { host: values.host, allowRemote: values['allow-remote'] };
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, not ${values.port}`);
    options.port = port;
  }
  if ((values.cert === undefined) !== (values.key === undefined)) fail('--cert and --key go together');
  if (values.cert !== undefined) options.tls = { cert: values.cert, key: values.key! };
  if (values['no-vt-pipe'] && values.persist) fail('--persist runs sessions under vt-pipe: it cannot go with --no-vt-pipe');
  options.persistent = values.persist;
  if (values['no-vt-pipe']) options.controlDir = null;
  else if (values['control-dir'] !== undefined) options.controlDir = values['control-dir'];
  if (positionals.length > 0) {
    options.shell = positionals[0];
    options.shellArgs = positionals.slice(1);
  }

  let terminal;
  try {
    terminal = await startWebTerminal(options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    fail(e.code === 'EADDRINUSE' ? `port ${options.port ?? DEFAULT_PORT} is in use: pick another with --port (0 picks a free one)` : e.message);
  }
  if (options.allowRemote && !options.tls) {
    process.stderr.write('native-pty-web: WARNING: listening beyond loopback without TLS: the token and everything typed cross the network in clear. Pass --cert and --key.\n');
  } else if (options.allowRemote) {
    process.stderr.write('native-pty-web: WARNING: listening beyond loopback: anyone who has the URL gets a shell as you.\n');
  }
  process.stdout.write(`native-pty-web: open this address (it holds the token; keep it to yourself):\n${terminal.url}\n`);
  const stop = (): void => {
    void terminal.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
