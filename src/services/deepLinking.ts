/**
 * Deep Linking use-cases: the instructor's picker (what the course offers, what the platform accepts) and the
 * signed LtiDeepLinkingResponse built from a selection. The claims come from the `messages` port
 * (src/lti/deepLinking.ts); this file decides what may be sent.
 *
 * @see https://www.imsglobal.org/spec/lti-dl/v2p0
 */
import { AppError, DeepLinkAlreadyUsed } from '../domain/errors.js';
import type { DeepLinkingMessages, DeepLinkingRequests, DeepLinkingSettings, ResourceLinkItem } from './deepLinkingPorts.js';
import type { CourseRepo } from './enginePorts.js';
import type { Clock, LaunchSession, PlatformRegistry } from './ports.js';
import type { GradeActivity } from './servicePorts.js';
import { msg, type Message, type MessageVar } from '../domain/message.js';

/** Custom parameter naming the objective (its course-file key, stable across re-imports and course copies). */
export const CUSTOM_OBJECTIVE = 'masterly_objective';
/** Custom parameter naming an activity (`unit` = the whole course unit). */
export const CUSTOM_ACTIVITY = 'masterly_activity';
/** The value of the picker's "whole unit" choice. */
export const WHOLE_UNIT = 'unit';

/** What the deep-linking use-cases need. */
export interface DeepLinkingDeps {
  messages: DeepLinkingMessages;
  /** Makes each deep-linking request single-use. */
  requests: DeepLinkingRequests;
  registry: Pick<PlatformRegistry, 'byId'>;
  courses: Pick<CourseRepo, 'snapshot'>;
  /** Signs with the tool's current key (sets iat/exp). */
  signJwt(payload: Record<string, unknown>, opts?: { expiresInSeconds?: number }): Promise<string>;
  /** Points possible of new line items (the context's grade policy). */
  scoreMaximum(contextId: string): Promise<number>;
  /** Records a deep-linked activity so per-activity grades know its objectives (optional). */
  saveActivity?(contextId: string, activity: GradeActivity, now: number): Promise<void>;
  /** Queues the current grades of every learner for the new placements' columns (optional). */
  fillColumns?(contextId: string, objectiveIds: readonly string[], now: number): Promise<number>;
  /** Fresh random nonce. */
  newNonce(): string;
  /** Where content items launch: our launch URL. */
  launchUrl: string;
  clock: Clock;
}

/** One choice of the picker. */
export interface PickerOption {
  value: string;
  title: string;
  description: string;
  kind: 'unit' | 'objective';
}

/** What the picker page shows. */
export interface DeepLinkPicker {
  courseTitle: string;
  options: PickerOption[];
  /** False when the platform accepts no resource links: nothing can be added (the page says so). */
  acceptsLinks: boolean;
  acceptTypes: string[];
  /** False when the platform accepts one item only. */
  multiple: boolean;
  platformTitle: string | null;
  platformText: string | null;
}

/** A signed response and where the browser must POST it (form field `JWT`). */
export interface DeepLinkReturn {
  returnUrl: string;
  jwt: string;
  items: { title: string }[];
}

/** The selection was refused before anything was signed (the picker shows `message`). */
export class DeepLinkSelectionRefused extends AppError {
  constructor(
    readonly reason: 'multiple_not_accepted' | 'nothing_selected' | 'unknown_choice' | 'links_not_accepted',
    message: string,
    vars: Record<string, MessageVar> = {},
  ) {
    super('ERR_VALIDATION', message, { details: { reason }, said: msg(`deepLinking.refused.${reason}`, vars) });
  }
}

/** Only an instructor's LtiDeepLinkingRequest session may pick content (pure policy). */
export const canDeepLink = (s: LaunchSession): boolean => s.isInstructor && s.claims.messageType === 'LtiDeepLinkingRequest' && s.contextId !== null;

function settingsOf(deps: DeepLinkingDeps, s: LaunchSession): DeepLinkingSettings {
  if (!canDeepLink(s)) throw new AppError('ERR_FORBIDDEN', 'Only an instructor adding content from the course can choose Masterly content.', { said: msg('deepLinking.instructorOnly') });
  const settings = deps.messages.readSettings(s.claims.deepLinkingSettings);
  if (!settings) throw new AppError('ERR_FORBIDDEN', 'This content selection has no return address. Start again from your course.', { said: msg('deepLinking.noReturnAddress') });
  return settings;
}

async function optionsOf(deps: DeepLinkingDeps, contextId: string): Promise<{ courseTitle: string; options: PickerOption[]; ids: Map<string, { id: string; key: string }> }> {
  const snap = await deps.courses.snapshot(contextId);
  const courseTitle = snap?.settings.title ?? 'This course';
  const objectives = snap?.objectives ?? [];
  const options: PickerOption[] = [];
  if (objectives.length) {
    options.push({ value: WHOLE_UNIT, title: `${courseTitle} (whole unit)`, description: `All ${objectives.length} objectives, with Masterly choosing what to practise next.`, kind: 'unit' });
  }
  for (const o of objectives) options.push({ value: `objective:${o.key}`, title: o.title, description: o.description, kind: 'objective' });
  return { courseTitle, options, ids: new Map(objectives.map((o) => [`objective:${o.key}`, { id: o.id, key: o.key }])) };
}

/** The picker for a deep-linking session; throws ERR_FORBIDDEN for anyone but an instructor's deep-linking launch. */
export async function openDeepLinkPicker(deps: DeepLinkingDeps, session: LaunchSession): Promise<DeepLinkPicker> {
  const settings = settingsOf(deps, session);
  const { courseTitle, options } = await optionsOf(deps, session.contextId as string);
  return {
    courseTitle,
    options,
    acceptsLinks: settings.acceptsResourceLinks,
    acceptTypes: settings.acceptTypes,
    multiple: settings.acceptMultiple !== false,
    platformTitle: settings.title ?? null,
    platformText: settings.text ?? null,
  };
}

/**
 * Claims the request (once: DeepLinkAlreadyUsed for a second response), runs `beforeSign` (what choosing writes)
 * and signs the response. A refused selection never gets here, so the instructor can still choose again.
 */
async function sign(
  deps: DeepLinkingDeps,
  session: LaunchSession,
  settings: DeepLinkingSettings,
  items: ResourceLinkItem[],
  extra: { msg?: string; errormsg?: string; log?: string; errorlog?: string },
  beforeSign?: () => Promise<void>,
): Promise<DeepLinkReturn> {
  const platform = await deps.registry.byId(session.platformId);
  if (!platform) throw new AppError('ERR_PLATFORM_UNKNOWN', 'This LMS is no longer registered with Masterly.', { said: msg('deepLinking.platformGone') });
  if (!(await deps.requests.markReturned(session.id, deps.clock.now()))) throw new DeepLinkAlreadyUsed();
  await beforeSign?.();
  const claims = deps.messages.responseClaims({
    clientId: platform.clientId,
    platformIssuer: platform.issuer,
    deploymentId: session.deploymentId,
    nonce: deps.newNonce(),
    settings,
    items,
    ...extra,
  });
  const jwt = await deps.signJwt(claims, { expiresInSeconds: 300 });
  return { returnUrl: settings.returnUrl, jwt, items: items.map((i) => ({ title: i.title })) };
}

/**
 * Builds and signs the response for the chosen options (`unit` and/or `objective:<key>`): one ltiResourceLink per
 * choice, each with custom parameters and a line item whose resourceId/tag equal the grade outbox's, so passback
 * reuses the column the platform creates. Refuses (DeepLinkSelectionRefused) instead of dropping items: several
 * choices when the platform accepts one, no choice, or a platform that accepts no resource links.
 * A request is answered once: a second response (even a cancel) throws DeepLinkAlreadyUsed (ERR_DEEP_LINK_USED).
 */
/**
 * Puts a message in the instructor's words (their launch's locale): the messages of a deep-linking response are shown
 * by the LMS, so the web layer passes its translator in.
 */
export type Say = (m: Message) => string;

export async function returnDeepLinks(deps: DeepLinkingDeps, session: LaunchSession, input: { choices: readonly string[]; say: Say }): Promise<DeepLinkReturn> {
  const settings = settingsOf(deps, session);
  const contextId = session.contextId as string;
  if (!settings.acceptsResourceLinks) {
    throw new DeepLinkSelectionRefused('links_not_accepted', 'Your LMS does not accept links to activities here, so Masterly cannot add content from this menu.');
  }
  const choices = [...new Set(input.choices)];
  if (choices.length === 0) throw new DeepLinkSelectionRefused('nothing_selected', 'Choose at least one objective or the whole unit.');
  if (settings.acceptMultiple === false && choices.length > 1) {
    throw new DeepLinkSelectionRefused(
      'multiple_not_accepted',
      `Your LMS accepts only one item from this menu, and you chose ${choices.length}. Choose one, or add the others one at a time.`,
      { count: choices.length },
    );
  }
  const { courseTitle, options, ids } = await optionsOf(deps, contextId);
  const scoreMaximum = await deps.scoreMaximum(contextId);
  const documentTarget: ResourceLinkItem['documentTarget'] = settings.acceptTargets.includes('iframe') ? 'iframe' : settings.acceptTargets.includes('window') ? 'window' : undefined;
  const items: ResourceLinkItem[] = [];
  // Each placement is an activity of its own with its own column (docs/decisions/0014-placement-columns.md): a unique
  // id travels as a custom parameter and in the column's resourceId, so two placements never share a column and an
  // objective that already has a per-objective column gets no second tool-managed one.
  const placed: GradeActivity[] = [];
  for (const choice of choices) {
    const option = options.find((o) => o.value === choice);
    if (!option) throw new DeepLinkSelectionRefused('unknown_choice', 'One of the choices is no longer part of this course. Reload the page and choose again.');
    const base: Omit<ResourceLinkItem, 'custom'> = { title: option.title, ...(option.description ? { text: option.description } : {}), url: deps.launchUrl, ...(documentTarget ? { documentTarget } : {}) };
    const activityId = `a-${deps.newNonce().replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
    const lineItem = { scoreMaximum, resourceId: `masterly:activity:${activityId}`, tag: 'masterly-activity' };
    if (option.kind === 'unit') {
      items.push({ ...base, custom: { [CUSTOM_ACTIVITY]: activityId }, lineItem: { ...lineItem, label: courseTitle } });
      placed.push({ activityId, title: courseTitle, objectiveIds: [...ids.values()].map((o) => o.id), placed: true });
    } else {
      const o = ids.get(choice) as { id: string; key: string };
      items.push({ ...base, custom: { [CUSTOM_ACTIVITY]: activityId, [CUSTOM_OBJECTIVE]: o.key }, lineItem: { ...lineItem, label: option.title } });
      placed.push({ activityId, title: option.title, objectiveIds: [o.id], placed: true });
    }
  }
  const n = items.length;
  const saveUnit = async (): Promise<void> => {
    const now = deps.clock.now();
    for (const a of placed) await deps.saveActivity?.(contextId, a, now);
    // The new columns are filled with the current grades at once (the drain finds each column once the LMS made it).
    await deps.fillColumns?.(contextId, [...new Set(placed.flatMap((a) => a.objectiveIds))], now);
  };
  return sign(deps, session, settings, items, { msg: input.say(msg('deepLinking.added', { count: n })), log: `masterly: ${n} ltiResourceLink item(s)` }, saveUnit);
}

/** A response with no items, so the LMS closes its dialog: the instructor cancelled, or nothing could be added. */
export async function cancelDeepLinking(deps: DeepLinkingDeps, session: LaunchSession, say: Say): Promise<DeepLinkReturn> {
  const settings = settingsOf(deps, session);
  const accepts = settings.acceptsResourceLinks;
  return sign(
    deps,
    session,
    settings,
    [],
    accepts
      ? { msg: say(msg('deepLinking.addedNone')) }
      : { errormsg: say(msg('deepLinking.linksNotAccepted')), errorlog: `accept_types=${settings.acceptTypes.join(',')}` },
  );
}

/** The objective id behind a custom `masterly_objective` key in a context (undefined when the course has no such key). */
export async function objectiveIdForKey(deps: Pick<DeepLinkingDeps, 'courses'>, contextId: string, key: string): Promise<string | undefined> {
  const snap = await deps.courses.snapshot(contextId);
  return snap?.objectives.find((o) => o.key === key)?.id;
}

/** The deep-linking use-cases, bound. */
export interface DeepLinkingServices {
  openDeepLinkPicker(session: LaunchSession): Promise<DeepLinkPicker>;
  returnDeepLinks(session: LaunchSession, input: { choices: readonly string[]; say: Say }): Promise<DeepLinkReturn>;
  cancelDeepLinking(session: LaunchSession, say: Say): Promise<DeepLinkReturn>;
  objectiveIdForKey(contextId: string, key: string): Promise<string | undefined>;
}

/** Binds the deep-linking use-cases to their dependencies (main.ts). */
export function buildDeepLinkingServices(deps: DeepLinkingDeps): DeepLinkingServices {
  return {
    openDeepLinkPicker: (s) => openDeepLinkPicker(deps, s),
    returnDeepLinks: (s, i) => returnDeepLinks(deps, s, i),
    cancelDeepLinking: (s, say) => cancelDeepLinking(deps, s, say),
    objectiveIdForKey: (c, k) => objectiveIdForKey(deps, c, k),
  };
}
