/**
 * Checks a platform's OpenID configuration as LTI Dynamic Registration 1.0 asks (§3.4–3.5), and by Canvas's documented
 * rule where Canvas does not follow it: one issuer for every Canvas cloud school, endpoints on the shared
 * `sso.canvaslms.com`, the configuration and registration endpoint on the school's own domain
 * (docs/decisions/0017-dynamic-registration.md).
 *
 * @see https://www.imsglobal.org/spec/lti-dr/v1p0#issuer-and-openid-configuration-url-match
 */
import { checkPlatformUrl } from './platformUrl.js';

/** The parts of a platform's configuration the tool uses. */
export interface PlatformConfiguration {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  registrationEndpoint: string;
  /** `product_family_code` of the LTI platform configuration ('canvas', 'moodle', …), lower case; '' when absent. */
  product: string;
  /** Scopes the platform says it supports ([] when it does not say). */
  scopesSupported: string[];
  /** LTI messages it supports (types), [] when it does not say. */
  messagesSupported: string[];
}

/** Why a configuration is refused. */
export type ConfigurationProblem =
  | 'not_an_object'
  | 'field_missing'
  | 'url_invalid'
  | 'issuer_mismatch'
  | 'registration_endpoint_elsewhere'
  | 'canvas_endpoint_elsewhere'
  | 'no_private_key_jwt';

/** The outcome of {@link checkPlatformConfiguration}. */
export type ConfigurationCheck = { ok: true; config: PlatformConfiguration } | { ok: false; problem: ConfigurationProblem; field: string };

/** Canvas's issuers (production, beta, test) and the host its OIDC endpoints live on for each. */
export const CANVAS_ISSUERS: Readonly<Record<string, string>> = {
  'https://canvas.instructure.com': 'sso.canvaslms.com',
  'https://canvas.beta.instructure.com': 'sso.beta.canvaslms.com',
  'https://canvas.test.instructure.com': 'sso.test.canvaslms.com',
};

const PLATFORM_CONFIG = 'https://purl.imsglobal.org/spec/lti-platform-configuration';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Validates the configuration fetched from `configurationUrl`:
 * - every endpoint is a clean https URL (http on loopback only, for the emulator);
 * - generic platforms (Moodle and the spec): the issuer's host is the configuration URL's host, and the registration
 *   endpoint is on it too (the tool POSTs there: it must be the same site we were sent to);
 * - Canvas issuers: the configuration and registration endpoint on the school's domain (one host), the authorization,
 *   token and JWKS endpoints on that issuer's `sso.*.canvaslms.com` or on the school's domain (self-hosted Canvas);
 * - private_key_jwt is among the token endpoint's methods when the platform lists them.
 */
export function checkPlatformConfiguration(configurationUrl: string, raw: unknown): ConfigurationCheck {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problem: 'not_an_object', field: '' };
  const c = raw as Record<string, unknown>;
  const fields = {
    issuer: 'issuer',
    authorizationEndpoint: 'authorization_endpoint',
    tokenEndpoint: 'token_endpoint',
    jwksUri: 'jwks_uri',
    registrationEndpoint: 'registration_endpoint',
  } as const;
  const urls = {} as Record<keyof typeof fields, URL>;
  for (const [key, name] of Object.entries(fields) as [keyof typeof fields, string][]) {
    const v = c[name];
    if (typeof v !== 'string' || !v) return { ok: false, problem: 'field_missing', field: name };
    if (v.length > 2048) return { ok: false, problem: 'url_invalid', field: name };
    const check = checkPlatformUrl(v);
    if (!check.ok) return { ok: false, problem: 'url_invalid', field: name };
    urls[key] = check.url;
  }
  const configUrl = checkPlatformUrl(configurationUrl);
  if (!configUrl.ok) return { ok: false, problem: 'url_invalid', field: 'openid_configuration' };
  const issuer = c.issuer as string;
  if (urls.issuer.search) return { ok: false, problem: 'url_invalid', field: 'issuer' };
  const canvasSso = CANVAS_ISSUERS[issuer.replace(/\/+$/, '')];
  const schoolHost = configUrl.url.host;
  if (urls.registrationEndpoint.host !== schoolHost) return { ok: false, problem: 'registration_endpoint_elsewhere', field: 'registration_endpoint' };
  if (canvasSso) {
    for (const key of ['authorizationEndpoint', 'tokenEndpoint', 'jwksUri'] as const) {
      const host = urls[key].host;
      if (host !== canvasSso && host !== schoolHost) return { ok: false, problem: 'canvas_endpoint_elsewhere', field: fields[key] };
    }
  } else if (urls.issuer.host !== schoolHost) {
    return { ok: false, problem: 'issuer_mismatch', field: 'issuer' };
  }
  const methods = strings(c.token_endpoint_auth_methods_supported);
  if (methods.length && !methods.includes('private_key_jwt')) return { ok: false, problem: 'no_private_key_jwt', field: 'token_endpoint_auth_methods_supported' };
  const lti = (c[PLATFORM_CONFIG] ?? {}) as Record<string, unknown>;
  const product = typeof lti.product_family_code === 'string' ? lti.product_family_code.toLowerCase().slice(0, 64) : '';
  const messages = Array.isArray(lti.messages_supported)
    ? lti.messages_supported.flatMap((m) => (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string' ? [(m as { type: string }).type] : []))
    : [];
  return {
    ok: true,
    config: {
      issuer,
      authorizationEndpoint: c.authorization_endpoint as string,
      tokenEndpoint: c.token_endpoint as string,
      jwksUri: c.jwks_uri as string,
      registrationEndpoint: c.registration_endpoint as string,
      product,
      scopesSupported: strings(c.scopes_supported).slice(0, 100),
      messagesSupported: messages.slice(0, 50),
    },
  };
}
