/**
 * What openShell() gives each shell so that it marks command boundaries: an rc file of the
 * library's own (in a 0700 temp dir, removed once the shell has read it) that sources the
 * user's, then sets the marks. Every mark is an OSC with this session's random nonce:
 *   D;<status>;<cwd>  before each prompt (the previous command's exit status, the cwd after it)
 *   C                 when a command line has been read and is about to run (bash, zsh)
 * Echo is off and no line editor runs, so a command's output is exactly what it printed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** The private OSC number of the marks (not one a terminal or another program uses). */
export const OSC = '6973';

export type ShellKind = 'bash' | 'zsh' | 'sh';

export interface Integration {
  args: string[];
  env: Record<string, string | undefined>;
  /** Whether the shell marks the start of a command's output (bash's PS0, zsh's preexec). */
  marksStart: boolean;
}

/** The kind of shell at `file`, by its name, or undefined for one without integration. */
export function shellKind(file: string): ShellKind | undefined {
  const name = path.basename(file);
  if (name === 'bash' || name === 'zsh') return name;
  if (name === 'sh' || name === 'dash') return 'sh';
  return undefined;
}

/** Writes the rc files for `kind` into `dir`; returns the arguments and environment to start it with. */
export function integrate(kind: ShellKind, nonce: string, dir: string, baseEnv: Record<string, string | undefined>): Integration {
  const env = { ...baseEnv };
  const write = (name: string, lines: string[]): string => {
    const file = path.join(dir, name);
    writeFileSync(file, ['# native-pty shell integration (per session; the user\'s dotfiles are untouched).', ...lines, ''].join('\n'), { mode: 0o600 });
    return file;
  };
  const prompt = `printf '\\033]${OSC};${nonce};D;%s;%s\\007' "$s" "$PWD"`;
  const start = `printf '\\033]${OSC};${nonce};C\\007'`;
  if (kind === 'bash') {
    const rc = write('rc', [
      '[ -r ~/.bashrc ] && . ~/.bashrc',
      `__native_pty_prompt() { local s=$?; ${prompt}; }`,
      'PROMPT_COMMAND=__native_pty_prompt',
      `PS0=$'\\e]${OSC};${nonce};C\\a'`,
      "PS1=''",
      "PS2=''",
      'stty -echo 2>/dev/null',
    ]);
    return { args: ['--noediting', '--rcfile', rc, '-i'], env, marksStart: true };
  }
  if (kind === 'zsh') {
    // zsh reads $ZDOTDIR/.zshenv and .zshrc: ours, which read the user's from where they were
    // (their ZDOTDIR, or HOME) and leave ZDOTDIR as the user had it.
    const userDir = '${NATIVE_PTY_USER_ZDOTDIR:-$HOME}';
    write('.zshenv', [
      `__native_pty_zdotdir=$ZDOTDIR; ZDOTDIR=${userDir}`,
      '[ -r "$ZDOTDIR/.zshenv" ] && . "$ZDOTDIR/.zshenv"',
      'ZDOTDIR=$__native_pty_zdotdir; unset __native_pty_zdotdir',
    ]);
    write('.zshrc', [
      `ZDOTDIR=${userDir}; unset NATIVE_PTY_USER_ZDOTDIR`,
      '[ -r "$ZDOTDIR/.zshrc" ] && . "$ZDOTDIR/.zshrc"',
      // No line editor (it would echo and redraw), no partial-line marker before a prompt.
      'unsetopt zle prompt_sp prompt_cr 2>/dev/null',
      // First among the hooks, so that $? is still the command's.
      `__native_pty_precmd() { local s=$?; ${prompt}; }`,
      `__native_pty_preexec() { ${start}; }`,
      'precmd_functions=(__native_pty_precmd $precmd_functions)',
      'preexec_functions+=(__native_pty_preexec)',
      "PROMPT=''; RPROMPT=''; PS2=''",
      'stty -echo 2>/dev/null',
    ]);
    if (env.ZDOTDIR !== undefined) env.NATIVE_PTY_USER_ZDOTDIR = env.ZDOTDIR;
    env.ZDOTDIR = dir;
    return { args: ['-i'], env, marksStart: true };
  }
  // POSIX sh reads $ENV when interactive: the user's $ENV file, then the mark as the whole
  // prompt (sh expands $? and $PWD in PS1). Echo is off and the prompt empty otherwise, so no
  // start mark is needed.
  const rc = write('rc', [
    '[ -n "$NATIVE_PTY_USER_ENV" ] && [ -r "$NATIVE_PTY_USER_ENV" ] && . "$NATIVE_PTY_USER_ENV"',
    'unset NATIVE_PTY_USER_ENV',
    `PS1="$(printf '\\033]${OSC};${nonce};D;')\\$?;\\$PWD$(printf '\\007')"`,
    "PS2=''",
    'stty -echo 2>/dev/null',
  ]);
  if (env.ENV !== undefined) env.NATIVE_PTY_USER_ENV = env.ENV;
  env.ENV = rc;
  return { args: ['-i'], env, marksStart: false };
}
