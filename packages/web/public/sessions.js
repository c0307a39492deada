// The session list: every session with its activity and AI CLI status line, refreshed each
// second. Text from sessions is set with textContent only, never parsed as HTML.
const body = document.querySelector('#sessions tbody');

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function link(parent, text, href) {
  const a = document.createElement('a');
  a.textContent = text;
  a.href = href;
  parent.append(a, ' ');
  return a;
}

function stateOf(session) {
  if (session.exited) return session.signal ? `ended (signal ${session.signal})` : `exited (${session.exitCode})`;
  return session.active ? 'busy' : 'idle';
}

async function refresh() {
  const response = await fetch('/api/sessions');
  if (!response.ok) return;
  const sessions = await response.json();
  body.replaceChildren();
  for (const session of sessions) {
    const row = body.insertRow();
    row.dataset.id = session.id;
    const name = cell(row, '');
    link(name, session.title, `/s/${encodeURIComponent(session.id)}`);
    cell(row, session.kind);
    cell(row, stateOf(session), `state ${session.exited ? 'exited' : session.active ? 'busy' : 'idle'}`);
    cell(row, session.status ? session.status.text : '', 'status-line');
    cell(row, `${session.cols}×${session.rows}`);
    cell(row, String(session.viewers));
    const actions = cell(row, '');
    link(actions, 'Open', `/s/${encodeURIComponent(session.id)}`);
    link(actions, 'Watch', `/s/${encodeURIComponent(session.id)}?view=readonly`);
    const end = document.createElement('button');
    end.type = 'button';
    end.textContent = session.exited ? 'Remove' : 'End';
    end.addEventListener('click', async () => {
      await fetch(`/api/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' });
      void refresh();
    });
    actions.append(end);
  }
  document.getElementById('empty').hidden = sessions.length > 0;
}

document.getElementById('new-session').addEventListener('click', async () => {
  const response = await fetch('/api/sessions', { method: 'POST' });
  if (response.ok) location.href = `/s/${encodeURIComponent((await response.json()).id)}`;
});

void refresh();
setInterval(() => void refresh(), 1000);
