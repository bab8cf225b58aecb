/**
 * Stable error codes. Branch on `code` (or `instanceof`), never on messages;
 * src/web/errors.ts is the only place that maps them to HTTP.
 */
import { msg, type Message } from './message.js';
export type ErrorCode =
  | 'ERR_LAUNCH_REJECTED'
  | 'ERR_LOGIN_REJECTED'
  | 'ERR_SESSION_REQUIRED'
  | 'ERR_FORBIDDEN'
  | 'ERR_CSRF_INVALID'
  | 'ERR_ADMIN_AUTH_REQUIRED'
  | 'ERR_NOT_FOUND'
  | 'ERR_VALIDATION'
  | 'ERR_CONFLICT'
  | 'ERR_PLATFORM_UNKNOWN'
  | 'ERR_OBJECTIVE_CYCLE'
  | 'ERR_OBJECTIVE_LOCKED'
  | 'ERR_LMS_UNAVAILABLE'
  | 'ERR_LMS_REJECTED'
  | 'ERR_DEEP_LINK_USED'
  | 'ERR_RATE_LIMITED'
  | 'ERR_DB_UNAVAILABLE'
  | 'ERR_STORAGE_FULL'
  | 'ERR_STORAGE_READONLY'
  | 'ERR_LMS_URL_UNTRUSTED'
  | 'ERR_IMPORT_REJECTED'
  | 'ERR_REGISTRATION_FAILED'
  | 'ERR_UPLOAD_TOO_LARGE'
  | 'ERR_CHECK_EXPIRED'
  | 'ERR_TIME_ZONE_INVALID';

/**
 * Base class of every expected failure. `message` is English for logs and CLIs (safe to show); `said`, when set, is
 * the same message as a catalogue key + values, which pages show in the reader's language (src/web/errors.ts).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown>; said?: Message },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
    this.said = options?.said;
  }
  readonly details: Record<string, unknown> | undefined;
  readonly said: Message | undefined;
}

/** A problem with one field of a form or file: its path, the English message, and the catalogue message if any. */
export interface Issue {
  path: string;
  message: string;
  said?: Message;
}

/** Why a launch (or login) was refused: one snake_case reason per check, logged and shown to the user. */
export type LaunchRejectReason =
  | 'platform_unknown'
  | 'login_params_invalid'
  | 'target_link_uri_invalid'
  | 'token_missing'
  | 'token_malformed'
  | 'token_too_large'
  | 'kid_missing'
  | 'kid_unknown'
  | 'alg_not_allowed'
  | 'signature_invalid'
  | 'jwks_unavailable'
  | 'iss_mismatch'
  | 'aud_mismatch'
  | 'azp_mismatch'
  | 'exp_missing'
  | 'token_expired'
  | 'iat_missing'
  | 'iat_in_future'
  | 'iat_too_old'
  | 'nbf_in_future'
  | 'nonce_missing'
  | 'nonce_mismatch'
  | 'state_missing'
  | 'state_unknown'
  | 'state_expired'
  | 'state_replayed'
  | 'state_browser_mismatch'
  | 'deployment_missing'
  | 'deployment_unknown'
  | 'deployment_invalid'
  | 'version_invalid'
  | 'message_type_missing'
  | 'message_type_unsupported'
  | 'roles_missing'
  | 'sub_missing'
  | 'sub_invalid'
  | 'deep_linking_settings_missing'
  | 'deep_link_return_url_invalid'
  | 'resource_link_missing'
  | 'claims_invalid'
  | 'for_user_missing'
  | 'platform_pending'
  | 'platform_disabled'
  | 'deployment_disabled';

/** A launch or login that failed one of the ordered checks. Nothing has been written when it is thrown. */
export class LaunchRejected extends AppError {
  constructor(
    readonly reason: LaunchRejectReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_LAUNCH_REJECTED', message, options);
  }
}

/** Input that failed validation; `issues` lists field paths and plain-language messages. */
export class ValidationFailed extends AppError {
  constructor(
    message: string,
    readonly issues: Issue[] = [],
    said?: Message,
  ) {
    super('ERR_VALIDATION', message, said ? { said } : undefined);
  }
}

export class NotFound extends AppError {
  constructor(what: string) {
    super('ERR_NOT_FOUND', `${what} was not found.`);
  }
}

/** The objectives' prerequisites form a cycle; `cycle` lists its objective ids in order (first = last omitted). */
export class ObjectiveCycle extends AppError {
  constructor(
    readonly cycle: readonly string[],
    message: string,
    said?: Message,
  ) {
    super('ERR_OBJECTIVE_CYCLE', message, { details: { cycle }, ...(said ? { said } : {}) });
  }
}

/** The student tried to work on an objective that is not released to them yet. */
export class ObjectiveLocked extends AppError {
  constructor(readonly objectiveId: string) {
    super('ERR_OBJECTIVE_LOCKED', `Objective ${objectiveId} is locked.`, { details: { objectiveId }, said: msg('errors.objectiveLocked') });
  }
}

/** A state change the mastery state machine does not allow (e.g. mastered → checking). */
export class IllegalTransition extends AppError {
  constructor(
    readonly from: string,
    readonly trigger: string,
  ) {
    super('ERR_CONFLICT', `Cannot apply "${trigger}" to an objective in state "${from}".`, { details: { from, trigger }, said: msg('errors.illegalTransition') });
  }
}

/** Why a login initiation was refused (before any redirect to the platform). */
export type LoginRejectReason =
  | 'platform_unknown'
  | 'platform_ambiguous'
  | 'login_params_invalid'
  | 'target_link_uri_invalid'
  | 'deployment_unknown'
  | 'platform_pending'
  | 'platform_disabled'
  | 'deployment_disabled';

/** A third-party-initiated login that could not start; nothing has been written when it is thrown. */
export class LoginRejected extends AppError {
  constructor(
    readonly reason: LoginRejectReason,
    message: string,
  ) {
    super('ERR_LOGIN_REJECTED', message);
  }
}

/** Something that already exists (e.g. a platform with the same issuer and client_id). */
export class Conflict extends AppError {
  constructor(message: string, said?: Message) {
    super('ERR_CONFLICT', message, said ? { said } : undefined);
  }
}

/** A page that needs a launch session was opened without one (or after it expired). */
export class SessionRequired extends AppError {
  constructor() {
    super('ERR_SESSION_REQUIRED', 'Your session has ended. Please open Masterly again from your course.');
  }
}

/**
 * The session's person was erased (ADR 0019) while a page of theirs was open: their session went with their data.
 * Same code and action as {@link SessionRequired} (open Masterly again from the course), with a message that says why.
 */
export class SessionErased extends AppError {
  constructor() {
    super('ERR_SESSION_REQUIRED', 'This person was erased; their session ended with their data. Open Masterly again from the course.', {
      said: msg('outage.sessionErased'),
    });
  }
}

/** A cookie-authenticated form was posted without its CSRF token (or with another session's). Nothing changed. */
export class CsrfInvalid extends AppError {
  constructor() {
    super('ERR_CSRF_INVALID', 'This form has expired or did not come from Masterly. Reload the page and try again.');
  }
}

/** An admin page was opened without a valid admin token. */
export class AdminAuthRequired extends AppError {
  constructor() {
    super('ERR_ADMIN_AUTH_REQUIRED', 'Sign in with the admin token to see this page.');
  }
}

/**
 * A deep-linking request (one LtiDeepLinkingRequest launch) already returned its content items: a second
 * response would add them to the course again. The instructor starts a new selection from the LMS instead.
 */
export class DeepLinkAlreadyUsed extends AppError {
  constructor() {
    super('ERR_DEEP_LINK_USED', 'This selection was already sent to your course. To add more content, open the Masterly selection again from your course.', {
      said: msg('errors.deepLinkUsed'),
    });
  }
}

/** Why the LMS refused a call, in words an instructor understands (see `describeFailure` in services/servicePorts.ts). */
export type LmsRejectReason =
  | 'not_enrolled'
  | 'not_a_student'
  | 'column_deleted'
  | 'stale_timestamp'
  | 'not_authorized'
  | 'invalid_request'
  | 'not_found'
  | 'no_service';

/** A transient LMS failure (5xx, 429, Canvas 403 "Rate Limit Exceeded", timeout, network): retry later. */
export class LmsUnavailable extends AppError {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Milliseconds the LMS asked us to wait (Retry-After), when it said so. */
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown; said?: Message },
  ) {
    super('ERR_LMS_UNAVAILABLE', message, { said: msg(status === undefined ? 'errors.lmsUnreachable' : 'errors.lmsAnswered', status === undefined ? {} : { status }), ...options, details: { status, retryAfterMs } });
  }
}

/** A permanent LMS refusal (400/403/404/422…): retrying the same request cannot help. */
export class LmsRejected extends AppError {
  constructor(
    readonly reason: LmsRejectReason,
    readonly status: number | undefined,
    message: string,
    said: Message = msg(status === undefined ? 'errors.lmsRefusedNoStatus' : 'errors.lmsRefused', status === undefined ? {} : { status }),
  ) {
    super('ERR_LMS_REJECTED', message, { details: { reason, status }, said });
  }
}

/**
 * Too many attempts from one client address (open logins, failed admin sign-ins); nothing was stored. The client
 * may retry after `retryAfterSeconds` (sent as Retry-After).
 */
export class RateLimited extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many sign-in attempts from your network. Wait a minute and try again.',
    said?: Message,
  ) {
    super('ERR_RATE_LIMITED', message, said ? { said } : undefined);
  }
}

/**
 * Storage errors below carry the driver's code as `details.driverCode` (`57P01`, `SQLITE_FULL`…) so the log names it.
 *
 * The database cannot be reached (stopped, restarting, connection killed, network down). Temporary: the request
 * changed nothing and may be retried; the tool reconnects by itself. `cause` holds the driver's error.
 */
export class DbUnavailable extends AppError {
  constructor(options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('ERR_DB_UNAVAILABLE', "Masterly can't reach its database right now. Wait a minute and reload the page.", options);
  }
}

/** The database's storage is full (SQLITE_FULL, PostgreSQL 53100): nothing was saved until an operator frees space. */
export class StorageFull extends AppError {
  constructor(options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(
      'ERR_STORAGE_FULL',
      "Masterly's storage is full, so this could not be saved. Please tell your instructor or your school's Masterly administrator, then try again later.",
      options,
    );
  }
}

/**
 * The database refuses writes (read-only file or folder, read-only replica). Thrown with a message naming the path
 * when it happens at start; requests get the plain message.
 */
export class StorageReadonly extends AppError {
  constructor(options?: { cause?: unknown; details?: Record<string, unknown>; message?: string }) {
    super(
      'ERR_STORAGE_READONLY',
      options?.message ??
        "Masterly can't save changes right now because its storage is read-only. Please tell your school's Masterly administrator, then try again later.",
      { cause: options?.cause, ...(options?.details ? { details: options.details } : {}) },
    );
  }
}

/** Why an LMS service address was not called. */
export type UntrustedUrlReason = 'scheme_not_allowed' | 'https_required' | 'address_not_public' | 'host_unresolvable';

/**
 * An LMS service URL (from a launch claim or an LMS answer) that Masterly refused to call before sending any token:
 * not http(s), not https in production, or on a loopback, private, link-local or unique-local address of a platform
 * that was not registered on such an address. Permanent: calling again cannot help.
 */
export class LmsUrlUntrusted extends AppError {
  constructor(
    readonly reason: UntrustedUrlReason,
    /** The refused origin (never a path or query, which may carry identifiers). */
    readonly origin: string,
    message: string,
  ) {
    super('ERR_LMS_URL_UNTRUSTED', message, { details: { reason, origin }, said: msg('errors.lmsUrlUntrusted') });
  }
}

/** Why an uploaded course file was refused as a whole (nothing was staged or imported). */
export type ImportRejectReason =
  | 'too_large'
  | 'format_unknown'
  | 'xml_malformed'
  | 'xml_doctype'
  | 'not_moodle_xml'
  | 'json_malformed'
  | 'csv_malformed'
  | 'gift_malformed'
  | 'zip_malformed'
  | 'zip_too_many_entries'
  | 'zip_too_large'
  | 'zip_ratio'
  | 'zip_path'
  | 'cartridge_invalid'
  | 'nothing_importable'
  | 'staging_gone'
  | 'staging_busy';

/**
 * A course file that cannot be imported at all: malformed, hostile (DOCTYPE/entities, zip bomb, paths escaping the
 * archive) or too large. `said` tells the instructor what to do next; nothing was written.
 */
export class ImportRejected extends AppError {
  constructor(
    readonly reason: ImportRejectReason,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super('ERR_IMPORT_REJECTED', message, { ...options, details: { reason, ...options?.details }, said: msg(`errors.import.${reason}`, options?.details as Record<string, string | number> | undefined) });
  }
}

/** Why a dynamic registration failed (docs/decisions/0017-dynamic-registration.md). */
export type RegistrationFailReason =
  | 'params_invalid'
  | 'address_refused'
  | 'configuration_unreachable'
  | 'configuration_refused'
  | 'configuration_invalid'
  | 'registration_refused'
  | 'response_invalid';

/** A dynamic registration that could not complete; nothing was stored. */
export class RegistrationFailed extends AppError {
  constructor(
    readonly reason: RegistrationFailReason,
    message: string,
    said: Message,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super('ERR_REGISTRATION_FAILED', message, { ...options, said });
  }
}

/**
 * An answer arrived after a timed mastery check's deadline (ADR 0023): it was not counted, and the check was ended
 * as failed (the questions not reached count as not right). The student goes on with reteach.
 */
export class CheckExpired extends AppError {
  constructor(readonly objectiveId: string) {
    super('ERR_CHECK_EXPIRED', 'The time for this mastery check ran out before this answer, so it was not counted.', { details: { objectiveId }, said: msg('timed.expired') });
  }
}
