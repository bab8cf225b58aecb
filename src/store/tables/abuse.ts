/** admin_auth_failures: failed admin sign-ins (form or bearer) per client address hash (migration 0006). */
export interface AdminAuthFailuresTable {
  client_hash: string;
  /** Failures since `window_start`. */
  failures: number;
  window_start: number;
  /** Until when (epoch ms) every admin token from this address is refused; 0 when not locked. */
  locked_until: number;
}

/** Tables of migration 0006_abuse_limits. */
export interface AbuseTables {
  admin_auth_failures: AdminAuthFailuresTable;
}
