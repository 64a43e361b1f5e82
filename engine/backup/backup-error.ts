// Why a backup or a restore did not happen. Nothing is half-done when one is thrown: a backup is
// written to a temporary name first, a restore goes to a staging place (or one transaction).
export type BackupErrorCode =
  | 'BACKUP_EXISTS'
  | 'BACKUP_NO_DATABASE'
  | 'BACKUP_UNREADABLE'
  | 'BACKUP_MANIFEST_INVALID'
  | 'BACKUP_FILE_MISSING'
  | 'BACKUP_CHECKSUM_MISMATCH'
  | 'BACKUP_WRONG_DATABASE_KIND'
  | 'BACKUP_METADATA_CHANGED'
  | 'BACKUP_METADATA_MISMATCH'
  | 'RESTORE_TARGET_NOT_EMPTY'
  | 'RESTORE_TARGET_IN_USE'
  | 'DUMP_TOOL_MISSING'
  | 'DUMP_TOOL_TOO_OLD'
  | 'DUMP_TOOL_FAILED';

export class BackupError extends Error {
  readonly code: BackupErrorCode;
  constructor(code: BackupErrorCode, message: string) {
    super(message);
    this.name = 'BackupError';
    this.code = code;
  }
}
