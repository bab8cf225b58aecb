import { z } from 'zod';

/**
 * Message claim URIs and zod schemas for the parts of an LTI 1.3 id_token Masterly reads.
 *
 * @see https://www.imsglobal.org/spec/lti/v1p3#required-message-claims
 */
export const CLAIM = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  toolPlatform: 'https://purl.imsglobal.org/spec/lti/claim/tool_platform',
  launchPresentation: 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  /** Submission Review: whose submission the reviewer wants to see (LTI AGS Submission Review §2). */
  forUser: 'https://purl.imsglobal.org/spec/lti/claim/for_user',
} as const;

/** Message types Masterly accepts. */
export const MESSAGE_TYPES = ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest', 'LtiSubmissionReviewRequest'] as const;

const optString = z.string().optional();

/** Identity claims (all optional: platforms may send no PII). */
export const IdentityClaims = z.looseObject({
  sub: z.string().min(1),
  name: optString,
  given_name: optString,
  family_name: optString,
  email: optString,
});

export const ResourceLinkClaim = z.looseObject({ id: z.string().min(1), title: optString.nullable(), description: optString.nullable() });
export const ContextClaim = z.looseObject({ id: z.string().min(1), label: optString.nullable(), title: optString.nullable() });
export const RolesClaim = z.array(z.string());
/**
 * An LMS address the tool posts or renders (Deep Linking return URL): http(s) only, so a `javascript:` or `data:`
 * URL never becomes a form action.
 */
export const HttpUrl = z.url({ protocol: /^https?$/ });
/**
 * A boolean claim: JSON `true`/`false`, or the strings `"true"`/`"false"` that some Moodle versions send in the deep
 * linking settings (`accept_multiple`, `auto_create`).
 */
export const LtiBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
/** Deep Linking settings (DL 2.0 §4.4.1): where to post the selection back, and what the platform accepts. */
export const DeepLinkingSettingsClaim = z.looseObject({
  deep_link_return_url: z.url(),
  accept_types: z.array(z.string()).min(1),
  accept_presentation_document_targets: z.array(z.string()).min(1),
});
/** The `for_user` claim of a Submission Review launch: the student whose work is reviewed. */
export const ForUserClaim = z.looseObject({ user_id: z.string().min(1).max(255) });
export const AgsClaim = z.looseObject({ scope: z.array(z.string()).default([]), lineitems: optString, lineitem: optString });
export const NrpsClaim = z.looseObject({
  context_memberships_url: z.string().min(1),
  service_versions: z.array(z.string()).default([]),
});
