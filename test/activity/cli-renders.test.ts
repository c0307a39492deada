/**
 * The working lines of Claude Code, Codex CLI, Gemini CLI, Copilot CLI, Aider and opencode, as
 * their renderers write them (fixtures/activity/cli-renders.ts says from which source), read by
 * parseStatusLine and by a detector fed the raw output whole and a character at a time: each
 * names its app.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityDetector, parseStatusLine, type AgentStatus } from '../../src/activity/index.js';
import { bareLookalikes, cliRenders } from '../fixtures/activity/cli-renders.js';

const detectors: ActivityDetector[] = [];
afterEach(() => {
  for (const d of detectors.splice(0)) d.dispose();
});

function statusesOf(chunks: string[]): AgentStatus[] {
  const d = new ActivityDetector();
  detectors.push(d);
  const seen: AgentStatus[] = [];
  d.on('activity', (e) => e.status && seen.push(e.status));
  for (const chunk of chunks) d.feed(chunk);
  return seen;
}

const withoutText = ({ text: _text, ...rest }: AgentStatus) => rest;

describe('each CLI working line, as its renderer writes it', () => {
  it.each(cliRenders.map((r) => [r.app, r]))('%s: parseStatusLine names the app', (_app, render) => {
    const status = parseStatusLine(render.raw);
    expect(status).not.toBeNull();
    expect(withoutText(status!)).toEqual(render.status);
  });

  it.each(cliRenders.map((r) => [r.app, r]))('%s: the detector reads it whole', (_app, render) => {
    const seen = statusesOf([render.raw]);
    expect(seen.map(withoutText)).toEqual([render.status]);
  });

  it.each(cliRenders.map((r) => [r.app, r]))('%s: the detector reads it a character at a time', (_app, render) => {
    const seen = statusesOf([...render.raw]);
    expect(seen.map(withoutText).at(-1)).toEqual(render.status);
    expect(new Set(seen.map((s) => s.app))).toEqual(new Set([render.app]));
  });

  it('keeps the clean text of a bare line: no backspaces, no padding', () => {
    const aider = cliRenders.find((r) => r.app === 'aider')!;
    expect(parseStatusLine(aider.raw)?.text).toBe('░█         Waiting for LLM');
  });
});

describe('lines that look like the bare forms', () => {
  it.each(bareLookalikes.map((l) => [l]))('%j is no working line', (line) => {
    expect(parseStatusLine(line)).toBeNull();
    expect(statusesOf([line, '\n'])).toEqual([]);
  });
});
