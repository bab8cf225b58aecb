/**
 * Ports of the Deep Linking use-cases: the settings of an LtiDeepLinkingRequest as the services see them, the
 * content items they choose, and the LTI side that turns them into message claims (src/lti/deepLinking.ts).
 *
 * @see https://www.imsglobal.org/spec/lti-dl/v2p0
 */

/** What the platform asked for in an LtiDeepLinkingRequest. */
export interface DeepLinkingSettings {
  returnUrl: string;
  /** Content item types the placement accepts, as the platform named them (shown when Masterly's is not one). */
  acceptTypes: string[];
  /** Whether the placement accepts the one content item type Masterly returns (an LTI resource link). */
  acceptsResourceLinks: boolean;
  acceptTargets: string[];
  /** Absent when the platform did not say. */
  acceptMultiple: boolean | undefined;
  autoCreate: boolean | undefined;
  title: string | undefined;
  text: string | undefined;
  /** Whether the request carried `data` (the response must then echo it, even an empty string). */
  hasData: boolean;
  /** Opaque; echoed exactly. */
  data: unknown;
}

/** An `ltiResourceLink` content item (DL 2.0 §3.1). */
export interface ResourceLinkItem {
  title: string;
  text?: string;
  url: string;
  custom: Record<string, string>;
  /** Presentation target, one the platform accepts (omitted when it accepts none we know). */
  documentTarget?: 'iframe' | 'window';
  lineItem?: { scoreMaximum: number; label: string; resourceId: string; tag: string };
}

/** Who signs the response, for whom, and what it carries. */
export interface DeepLinkingResponseInput {
  /** Our client_id at the platform: the response's `iss`. */
  clientId: string;
  /** The platform issuer: the response's `aud`. */
  platformIssuer: string;
  deploymentId: string;
  /** Fresh random value (platforms refuse a nonce they have seen). */
  nonce: string;
  settings: DeepLinkingSettings;
  items: readonly ResourceLinkItem[];
  msg?: string;
  log?: string;
  errormsg?: string;
  errorlog?: string;
}

/** Storage of deep-linking requests (src/store/deepLinkingRepo.ts). */
export interface DeepLinkingRequests {
  /**
   * Marks the request of a deep-linking launch session as answered, in one conditional UPDATE; true for the
   * first caller only (a second response, also a concurrent one, gets false).
   */
  markReturned(sessionId: string, at: number): Promise<boolean>;
}

/** The LTI side of deep linking (implemented by src/lti/deepLinking.ts). */
export interface DeepLinkingMessages {
  /** Reads the settings claim as kept in the launch session; undefined when it is not valid. */
  readSettings(raw: unknown): DeepLinkingSettings | undefined;
  /** The LtiDeepLinkingResponse claim set, without iat/exp (the signer sets them). */
  responseClaims(input: DeepLinkingResponseInput): Record<string, unknown>;
}
