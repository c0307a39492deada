export { ActivityDetector } from './detector.js';
export { parseStatusLine } from './parse-status.js';
export type {
  ActivityEvent,
  ActivityOptions,
  AgentStatus,
  DetectedStatus,
  StatusDetector,
} from './types.js';
