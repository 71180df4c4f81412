export { classifyInbound, UNREADABLE, unreadableReport, wasUnreadable } from './classify.js';
export { judgeFailure, type Verdict } from './judge.js';
export { DIAGNOSTIC_MAX } from './status.js';
export type {
  InboundMessage,
  InboundPart,
  InboundReport,
  RecipientReport,
  ReportKind,
} from './types.js';
