/**
 * Deep Linking 2.0: reading the request's settings and building the LtiDeepLinkingResponse message.
 * The claims are built here (the only code that speaks LTI); signing is the tool keyring's job.
 *
 * @see https://www.imsglobal.org/spec/lti-dl/v2p0#deep-linking-request-message
 * @see https://www.imsglobal.org/spec/lti-dl/v2p0#deep-linking-response-message
 */
import { z } from 'zod';
import type { DeepLinkingMessages, DeepLinkingResponseInput, DeepLinkingSettings } from '../services/deepLinkingPorts.js';
import { CLAIM, HttpUrl, LtiBoolean } from './claims.js';

/** The one content item type Masterly returns (DL 2.0 §3.1). */
const LTI_RESOURCE_LINK = 'ltiResourceLink';

/** Claim names of the response (DL 2.0 §4.5). `msg`/`errormsg` are shown to the user, `log`/`errorlog` logged. */
export const DL_CLAIM = {
  contentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  data: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  msg: 'https://purl.imsglobal.org/spec/lti-dl/claim/msg',
  errormsg: 'https://purl.imsglobal.org/spec/lti-dl/claim/errormsg',
  log: 'https://purl.imsglobal.org/spec/lti-dl/claim/log',
  errorlog: 'https://purl.imsglobal.org/spec/lti-dl/claim/errorlog',
} as const;

const DeepLinkingSettingsSchema = z.looseObject({
  deep_link_return_url: HttpUrl,
  accept_types: z.array(z.string()).min(1),
  accept_presentation_document_targets: z.array(z.string()).default([]),
  accept_multiple: LtiBoolean.optional(),
  auto_create: LtiBoolean.optional(),
  title: z.string().optional(),
  text: z.string().optional(),
  // `data` is opaque: any JSON value the platform sent is echoed back exactly.
  data: z.unknown().optional(),
});

/** Reads the deep linking settings claim as kept in the session (`claims.deepLinkingSettings`); undefined when invalid. */
export function readDeepLinkingSettings(raw: unknown): DeepLinkingSettings | undefined {
  const p = DeepLinkingSettingsSchema.safeParse(raw);
  if (!p.success) return undefined;
  const d = p.data;
  return {
    returnUrl: d.deep_link_return_url,
    acceptTypes: d.accept_types,
    acceptsResourceLinks: d.accept_types.includes(LTI_RESOURCE_LINK),
    acceptTargets: d.accept_presentation_document_targets,
    acceptMultiple: d.accept_multiple,
    autoCreate: d.auto_create,
    title: d.title,
    text: d.text,
    hasData: typeof raw === 'object' && raw !== null && 'data' in raw,
    data: d.data,
  };
}

/**
 * The LtiDeepLinkingResponse claim set (without iat/exp, which the signer sets): iss = client_id, aud = platform
 * issuer, deployment_id, nonce, message type and version, the content items, and `data` echoed exactly as received.
 */
export function deepLinkingResponseClaims(input: DeepLinkingResponseInput): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: input.clientId,
    aud: input.platformIssuer,
    azp: input.clientId,
    nonce: input.nonce,
    [CLAIM.messageType]: 'LtiDeepLinkingResponse',
    [CLAIM.version]: '1.3.0',
    [CLAIM.deploymentId]: input.deploymentId,
    [DL_CLAIM.contentItems]: input.items.map((i) => ({
      type: LTI_RESOURCE_LINK,
      title: i.title,
      ...(i.text ? { text: i.text } : {}),
      url: i.url,
      custom: i.custom,
      ...(i.documentTarget ? { [i.documentTarget]: {} } : {}),
      ...(i.lineItem ? { lineItem: i.lineItem } : {}),
    })),
  };
  if (input.settings.hasData) claims[DL_CLAIM.data] = input.settings.data;
  for (const k of ['msg', 'log', 'errormsg', 'errorlog'] as const) {
    const v = input[k];
    if (v) claims[DL_CLAIM[k]] = v;
  }
  return claims;
}

/** The deep-linking messages port, as main.ts wires it into the services. */
export const deepLinkingMessages: DeepLinkingMessages = { readSettings: readDeepLinkingSettings, responseClaims: deepLinkingResponseClaims };
