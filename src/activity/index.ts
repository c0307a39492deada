export { ActivityDetector } from './detector.js';
export { detectActivity, type ObservableSession } from './observe.js';
export { parseStatusLine } from './parse-status.js';
export type {
  ActivityEvent,
  ActivityOptions,
  AgentStatus,
  DetectedStatus,
  StatusDetector,
} from './types.js';
