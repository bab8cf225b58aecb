import type { Platform } from '../../services/ports.js';
import { toolUrls } from '../../services/toolConfiguration.js';

/** One label/value pair an LMS admin copies. */
export interface CopyField {
  label: string;
  value: string;
}

/** What the admin page shows. */
export interface AdminView {
  generic: CopyField[];
  canvas: CopyField[];
  moodle: CopyField[];
  platforms: {
    id: string;
    name: string;
    vendor: string;
    issuer: string;
    clientId: string;
    authUrl: string;
    tokenUrl: string;
    jwksUrl: string;
    deploymentIds: string[];
    /** The LMS address (origin allowed to frame the tool), '' when none is set. */
    lmsUrl: string;
  }[];
  /** CSRF token every form posts back (empty for bearer-token callers, who need none). */
  csrf: string;
}

/** Shapes the values to paste into Canvas and Moodle, and the registered platforms. */
export function presentAdmin(baseUrl: string, platforms: Platform[], csrf = ''): AdminView {
  const u = toolUrls(baseUrl);
  return {
    generic: [
      { label: 'Login (OIDC initiation) URL', value: u.loginUrl },
      { label: 'Redirect URI', value: u.redirectUri },
      { label: 'Target link URI', value: u.targetLinkUri },
      { label: 'Public JWKS URL', value: u.jwksUrl },
    ],
    canvas: [
      { label: 'JSON URL (Developer Key → LTI Key → Enter URL)', value: u.canvasConfigUrl },
      { label: 'Redirect URIs', value: u.redirectUri },
      { label: 'Target Link URI', value: u.targetLinkUri },
      { label: 'OpenID Connect Initiation Url', value: u.loginUrl },
      { label: 'JWK Method: Public JWK URL', value: u.jwksUrl },
    ],
    moodle: [
      { label: 'Tool URL', value: u.targetLinkUri },
      { label: 'LTI version', value: 'LTI 1.3' },
      { label: 'Public key type', value: 'Keyset URL' },
      { label: 'Public keyset URL', value: u.jwksUrl },
      { label: 'Initiate login URL', value: u.loginUrl },
      { label: 'Redirection URI(s)', value: u.redirectUri },
    ],
    platforms: platforms.map((p) => ({
      id: p.id,
      name: p.name,
      vendor: p.vendor,
      issuer: p.issuer,
      clientId: p.clientId,
      authUrl: p.authUrl,
      tokenUrl: p.tokenUrl,
      jwksUrl: p.jwksUrl,
      deploymentIds: p.deploymentIds,
      lmsUrl: p.lmsUrl ?? '',
    })),
    csrf,
  };
}
