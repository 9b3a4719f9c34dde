export type {
  Store,
  StoredReport,
  SendLogEntry,
  SendStatus,
  ClaimResult,
  SummaryDocument,
  SummaryFormat,
  StoredAuditEntry,
} from './store';
export { openStore, storeConfigFromEnv, defaultSqlitePath, type StoreConfig } from './open-store';
export { AttachmentRejectedError, defaultAttachmentLimits, type AttachmentLimits } from './attachments';
export { UnknownAttachmentError } from './sql-store';
