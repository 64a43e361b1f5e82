// Identity and permissions: who a user is (users, teams, sessions, API tokens), what they may do
// (effective rights from the roles declared in metadata, pure), and the audit of user administration.
export {
  accessFor,
  admits,
  entityRights,
  grantAdmits,
  conditionHolds,
  needsConditions,
  ownerFields,
  teamQueueFields,
  summarizeRights,
  SYSTEM_ACCESS,
  ADMIN_RIGHTS,
  TOKEN_SCOPES,
  TOKEN_SCOPE_DESCRIPTIONS,
  scopeHeld,
  type Access,
  type AdminRight,
  type EntityRights,
  type Grant,
  type Subject,
  type TokenScope,
} from './permissions.ts';
export { hiddenFields, stripHidden } from './field-visibility.ts';
export { loadSubject, subjectOf, SubjectCache, type UserIdentityRow } from './subjects.ts';
export { createSession, findSession, listSessions, revokeSession, revokeUserSessions, pruneSessions, DEFAULT_SESSION_POLICY, type SessionPolicy } from './sessions.ts';
export { createApiToken, findApiToken, listApiTokens, revokeApiToken, revokeUserTokens, checkScopes, TOKEN_PREFIX, type ApiTokenInfo } from './tokens.ts';
export { loginRetryAfter, recordLoginAttempt, throttledVerification, DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from './throttle.ts';
export { ensureAdmin, userIdByLogin, verifyCredentials, hashPassword, setPassword, resetPassword, TEMPORARY_PASSWORD_HOURS, checkPassword, createUser, updateUser, getUser, listUsers, parseUserInput, PASSWORD_MAX, PASSWORD_MIN, type UserInfo } from './users.ts';
export { createTeam, updateTeam, deleteTeam, getTeam, listTeams, parseTeamInput, type TeamInfo } from './teams.ts';
export { adminHistory, diff } from './audit.ts';
export { sameSecret, secretHash } from './secrets.ts';
export { AUTH_CHANNEL, TokenCache, type CachedToken } from './token-cache.ts';
export { previewSubject, roleAccess, withinCaller } from './role-preview.ts';
