// A user as the HTTP API shows it (GET /api/users, /api/users/:id) and the administration pages list
// it: one declaration for the engine's users module and the app.
export interface UserInfo {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly isAdmin: boolean;
  readonly active: boolean;
  readonly roles: readonly string[];
  readonly teams: readonly string[];
  readonly employee: string | null;
  readonly language: string;
  readonly lastLoginAt: string | null;
  readonly createdAt: string;
  /** The password was set by someone else (invitation, reset): the user must choose their own at sign-in. */
  readonly mustChangePassword: boolean;
}
