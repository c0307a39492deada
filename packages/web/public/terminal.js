// The terminal page: one session in xterm.js over a WebSocket. Output arrives as binary
// frames counted by byte offset; the page acknowledges what xterm.js has written (flow
// control), and after a dropped connection it reconnects and resumes at its offset.
import { Terminal } from '/vendor/xterm.mjs';
import { FitAddon } from '/vendor/addon-fit.mjs';

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const readOnly = new URLSearchParams(location.search).get('view') === 'readonly';
// Acknowledge after this many bytes, and whenever xterm.js has written everything.
const ACK_EVERY = 4096;
// A paste larger than this goes in several messages (the server caps one message).
const INPUT_PIECE = 64 * 1024;

const term = new Terminal({
  cursorBlink: !readOnly,
  disableStdin: readOnly,
  scrollback: 5000,
  fontFamily: '"DejaVu Sans Mono", Menlo, Consolas, monospace',
  theme: { background: '#101418' },
});
const fit = new FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('terminal'));
document.getElementById('mode').textContent = readOnly ? 'read-only' : '';

let ws = null;
/** Offset of the next output byte to arrive; null until the first hello. */
let received = null;
/** Offset after the last byte xterm.js has written, and what was last acknowledged. */
let written = 0;
let acked = 0;
let pendingWrites = 0;
let ended = false;
let retries = 0;

function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function acknowledge() {
  if (written - acked >= ACK_EVERY || (pendingWrites === 0 && written > acked)) {
    acked = written;
    send({ type: 'ack', offset: acked });
  }
}

function wantedSize() {
  const size = fit.proposeDimensions();
  if (size && size.cols > 0 && size.rows > 0) send({ type: 'resize', cols: size.cols, rows: size.rows });
}

function showSize(cols, rows) {
  if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
}

function setState(text) {
  document.getElementById('state').textContent = text;
}

function onControl(message) {
  switch (message.type) {
    case 'hello':
      document.title = `${message.session.title} · native-pty`;
      document.getElementById('title').textContent = message.session.title;
      showSize(message.session.cols, message.session.rows);
      if (message.resumed) received = message.offset;
      setState(message.session.exited ? 'exited' : '');
      break;
    case 'snapshot':
      term.reset();
      showSize(message.cols, message.rows);
      term.write(message.data);
      received = written = acked = message.offset;
      break;
    case 'size':
      showSize(message.cols, message.rows);
      break;
    case 'exit':
      ended = true;
      setState(message.signal ? `ended by signal ${message.signal}` : `exited with code ${message.exitCode}`);
      break;
    case 'error':
      console.warn('native-pty-web:', message.message);
      break;
  }
}

function onOutput(bytes) {
  received += bytes.length;
  const end = received;
  pendingWrites++;
  term.write(bytes, () => {
    pendingWrites--;
    written = Math.max(written, end);
    acknowledge();
  });
}

function connect() {
  const params = new URLSearchParams();
  if (readOnly) params.set('readOnly', '1');
  if (received !== null) params.set('from', String(received));
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  ws = new WebSocket(`${scheme}://${location.host}/ws/${encodeURIComponent(id)}?${params}`);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    retries = 0;
    setState('');
    if (!readOnly) wantedSize();
  };
  ws.onmessage = (event) => {
    if (typeof event.data === 'string') onControl(JSON.parse(event.data));
    else onOutput(new Uint8Array(event.data));
  };
  ws.onclose = (event) => {
    if (ended) return;
    if (event.code === 4404) return setState('no such session');
    setState('reconnecting…');
    retries++;
    setTimeout(connect, Math.min(5000, 100 * 2 ** retries));
  };
}

term.onData((data) => {
  for (let at = 0; at < data.length; at += INPUT_PIECE) send({ type: 'input', data: data.slice(at, at + INPUT_PIECE) });
});

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => !readOnly && wantedSize(), 50);
});

// For automation (tests, screenshots): the xterm.js instance, and a way to drop the connection.
window.nativePtyWeb = {
  term,
  get offset() {
    return received;
  },
  get connected() {
    return ws !== null && ws.readyState === WebSocket.OPEN;
  },
  dropConnection() {
    ws.close();
  },
};

connect();
term.focus();
