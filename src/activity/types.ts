/** Public types of activity detection. */

/** What an AI coding CLI's status line says it is doing. */
export interface AgentStatus {
  /** The CLI that drew the line ('claude', 'codex', 'gemini'), a custom detector's name, or 'generic'. */
  app: string;
  /** The spinner glyph at the start of the line, e.g. '✻'. */
  indicator: string;
  /** What the agent says it is doing, without the ellipsis, e.g. 'Compacting conversation'. */
  action: string;
  /** Elapsed time shown in the line, in seconds (0 when the line shows none). */
  seconds: number;
  /** Token count shown in the line: '6.0k' is 6000, '100' is 100. */
  tokens?: number;
  /** The glyph before the token count ('↑', '↓', '⚒'...), when there is one. */
  arrow?: string;
  /** The status line as shown, escape sequences removed and trimmed. */
  text: string;
}

/** What a custom detector's parse() returns for a line it recognises; app and text are optional. */
export type DetectedStatus = Omit<AgentStatus, 'app' | 'text'> & Partial<Pick<AgentStatus, 'app' | 'text'>>;

/** A custom recogniser of status lines, tried before the built-in one. */
export interface StatusDetector {
  /** Reported as `app` when parse() does not set it. */
  name: string;
  /**
   * Called with one line of visible text (escape sequences removed, trimmed, never empty).
   * Returns null or undefined when the line is not a status line.
   */
  parse(line: string): DetectedStatus | null | undefined;
}

export interface ActivityOptions {
  /** `active` goes false after this many ms without meaningful output. Default 5000. */
  idleMs?: number;
  /** A status that is not seen again within this many ms expires. Default 10000. */
  statusMs?: number;
  /**
   * Custom detectors, tried in order before the built-in one. Note that with any custom
   * detector every line is handed to parse(), so the built-in pre-check no longer applies.
   */
  detectors?: StatusDetector[];
}

/** The payload of the 'activity' event, emitted only when `active` or the status changes. */
export interface ActivityEvent {
  active: boolean;
  /** Present while a status line is current. */
  status?: AgentStatus;
  /** Date.now() when the change happened. */
  at: number;
}
