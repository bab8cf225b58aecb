import type { Generated } from 'kysely';

/** platforms: one LTI 1.3 registration (issuer + client_id). */
export interface PlatformsTable {
  id: string;
  issuer: string;
  client_id: string;
  auth_url: string;
  token_url: string;
  jwks_url: string;
  name: string;
  vendor: Generated<string>;
  created_at: number;
  /** The LMS address an administrator set (origin that frames the tool), or null. */
  lms_url: string | null;
  /** 'active' | 'pending' | 'disabled' (migration 0018). */
  status: Generated<string>;
  /** 'admin' | 'dynamic' (migration 0018). */
  registered_via: Generated<string>;
  /** 'accept' | 'hold': what an unknown deployment id does (migration 0018). */
  new_deployments: Generated<string>;
  /** The platform's answer to a dynamic registration (JSON), or null. */
  registration_json: string | null;
}

/** deployments: the allow-list of deployment ids per platform. */
export interface DeploymentsTable {
  platform_id: string;
  deployment_id: string;
  created_at: number;
  /** 'active' | 'pending' | 'disabled' (migration 0018). */
  status: Generated<string>;
}

/** tool_keys: the tool's RSA keys; `private_key_enc` is AES-256-GCM ciphertext, never a PEM. */
export interface ToolKeysTable {
  kid: string;
  public_jwk: string;
  private_key_enc: string;
  status: 'current' | 'next' | 'retired';
  created_at: number;
}

/** login_states: one OIDC login; consumed once by the launch that answers it. */
export interface LoginStatesTable {
  state: string;
  nonce: string;
  platform_id: string;
  browser_hash: string;
  target_link_uri: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  /** Keyed hash of the client address the state was issued to (migration 0006); null for older rows. */
  client_hash: string | null;
  /** `lti_storage_target` of a login that keeps its binding in Platform Storage (migration 0021); null without. */
  storage_target: string | null;
  /** Login initiation parameters as JSON, for a relaunch in a new window (migration 0021); null for older rows. */
  relaunch: string | null;
}

/** users: a person at a platform (platform_id + sub). */
export interface UsersTable {
  id: string;
  platform_id: string;
  sub: string;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  updated_at: number;
}

/** contexts: a course at a platform, with the service endpoints of its last launch (JSON text). */
export interface ContextsTable {
  id: string;
  platform_id: string;
  context_id: string;
  label: string | null;
  title: string | null;
  ags_json: string | null;
  nrps_json: string | null;
  updated_at: number;
  /** Language of the course's grade comments and alert e-mails (migration 0025); null until an instructor launches. */
  language: string | null;
}

/** enrollments: a user's roles in a context, as of their last launch. */
export interface EnrollmentsTable {
  user_id: string;
  context_id: string;
  roles: string;
  last_launch_at: number;
}

/** launch_sessions: what a launch established; the session cookie carries only `id`. */
export interface LaunchSessionsTable {
  id: string;
  user_id: string;
  context_id: string | null;
  platform_id: string;
  deployment_id: string;
  roles: string;
  claims: string;
  created_at: number;
  expires_at: number;
  /** When the response of its LtiDeepLinkingRequest was signed (migration 0005); null until then. */
  deep_link_returned_at: number | null;
  /** The reader's IANA time zone, reported by the browser (migration 0027); null until then. */
  time_zone: string | null;
}

/** Tables of migration 0001_foundation. */
export interface FoundationTables {
  platforms: PlatformsTable;
  deployments: DeploymentsTable;
  tool_keys: ToolKeysTable;
  login_states: LoginStatesTable;
  users: UsersTable;
  contexts: ContextsTable;
  enrollments: EnrollmentsTable;
  launch_sessions: LaunchSessionsTable;
}
