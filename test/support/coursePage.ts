/**
 * Browser helpers shared by the browser tests: a tool and emulator with Chromium beside them, a person launched from
 * the emulator's course page (the tool in its iframe, as in an LMS), what the keyboard focus is on (through frames),
 * sideways scroll, and screenshots kept as CI artifacts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
import type { TestLms } from './devplatform.js';
import { startRig, type LaunchRig } from './tool.js';

/** A tool and an emulator registered with it ({@link LaunchRig} without `close`), and headless Chromium beside them. */
export interface BrowserRig extends Omit<LaunchRig, 'close'> {
  chromium: Browser;
}

/**
 * For a describe block: starts a generic rig (`startRig`'s options) and Chromium before its tests, and closes the
 * browser, then the rig, after them. What it returns stands for them from the first test on.
 */
export function browserRigForSuite(opts: Parameters<typeof startRig>[1] = {}): BrowserRig {
  let rig: LaunchRig | undefined;
  let chromium: Browser | undefined;
  beforeAll(async () => {
    rig = await startRig('generic', opts);
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await rig?.close();
  });
  const started = <T>(it: T | undefined): T => {
    if (it === undefined) throw new Error('the browser rig starts in beforeAll; use it in tests and hooks only');
    return it;
  };
  return {
    get tool() {
      return started(rig).tool;
    },
    get lms() {
      return started(rig).lms;
    },
    get toolUrl() {
      return started(rig).toolUrl;
    },
    get chromium() {
      return started(chromium);
    },
  };
}

/** The context role a seeded emulator member has. */
export type CourseRole = 'Learner' | 'Instructor';

/**
 * A seeded member of the emulated course with `role` and a full name (the `nth` such member, 0 first); with a
 * `locale`, their launches ask for that language (`launch_presentation.locale`).
 */
export function memberOf(lms: TestLms, role: CourseRole, opts: { nth?: number; locale?: string } = {}): { id: string; name: string } {
  const people = lms.users.filter((u) => u.roles.some((r) => r.endsWith(`#${role}`)) && u.name.includes(' '));
  const person = people[opts.nth ?? 0];
  if (!person) throw new Error(`the emulator has no ${role} number ${opts.nth ?? 0}`);
  if (opts.locale) lms.devplatform.setMemberLocale(person.id, opts.locale);
  return { id: person.id, name: person.name };
}

/** The launch button of a member on the course page. */
export const launchButtonName = (name: string): string => `Launch Masterly as ${name}`;

/** The tool's frame in the course page once it shows a page (an `h1`), after a launch. */
export async function toolFrame(page: Page, toolUrl: string): Promise<Frame> {
  for (let i = 0; i < 150; i++) {
    const f = page.frames().find((fr) => fr.url().startsWith(`${toolUrl}/`));
    if (f && (await f.locator('h1').count().catch(() => 0)) > 0) return f;
    await page.waitForTimeout(100);
  }
  throw new Error(`no tool frame; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
}

/**
 * Opens the emulator's course page in a new page of `chromium` and launches `person` with its button, as a user
 * would; returns the page and the tool's frame (wherever the launch landed). The browser context's language follows
 * `locale` (the Accept-Language of pages without a launch).
 */
export async function launchInCoursePage(
  chromium: Browser,
  lms: TestLms,
  toolUrl: string,
  person: { name: string },
  opts: { width?: number; locale?: string } = {},
): Promise<{ page: Page; frame: Frame }> {
  const context = await chromium.newContext({ viewport: { width: opts.width ?? 1280, height: 800 }, locale: opts.locale ?? 'en' });
  const page = await context.newPage();
  page.on('close', () => void context.close().catch(() => undefined));
  await page.goto(lms.url);
  await page.getByRole('button', { name: launchButtonName(person.name) }).click();
  return { page, frame: await toolFrame(page, toolUrl) };
}

/** How far a page scrolls sideways (0 when it fits its width). */
export const sidewaysScroll = (target: Page | Frame): Promise<number> =>
  target.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
    return d.documentElement.scrollWidth - d.documentElement.clientWidth;
  });

/** The elements that reach past the right edge of the page (for a failing sideways-scroll assertion). */
export const pastTheEdge = (target: Page | Frame): Promise<string[]> =>
  target.evaluate(() => {
    type El = { tagName: string; id: string; className: unknown; getBoundingClientRect(): { right: number }; textContent: string | null };
    const d = (globalThis as unknown as { document: { documentElement: { clientWidth: number }; querySelectorAll(s: string): El[] } }).document;
    const edge = d.documentElement.clientWidth;
    return [...d.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > edge + 1)
      .slice(0, 8)
      .map((e) => `<${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${typeof e.className === 'string' && e.className ? `.${e.className}` : ''}> ${(e.textContent ?? '').trim().slice(0, 40)}`);
  });

/** The focused element (followed into frames), described for assertions. */
export interface Focused {
  /** The URL of the document that holds it. */
  frameUrl: string;
  tag: string;
  id: string;
  /** Its accessible-ish text: aria-label, else its text, else its value. */
  text: string;
  type: string;
  href: string;
  checked: boolean;
  /** Whether a focus indicator is drawn: a computed outline or box-shadow that is not none. */
  indicated: boolean;
  /** Set when the focus is on an iframe whose document did not come in 15 s (the element described is the iframe). */
  frameNeverCame?: boolean;
}

/**
 * Describes the element that has the keyboard focus, inside whichever frame holds it. Focus on an `<iframe>` element
 * is read again every 100 ms: while the frame's document is being replaced (a link or form followed in it), up to 15 s
 * (under CI load a replacement once took longer than the 3 s this used to wait), then described with `frameNeverCame`;
 * while it rests on the element itself on its way into the frame's document (seen under CI load, twice, in the LMS's
 * launch frame), up to 2 s, then the `<iframe>` element is described.
 */
export async function focusedElement(page: Page): Promise<Focused> {
  for (let waited = 0, rested = 0; ; ) {
    const f = await readFocus(page);
    const again = f.frameNeverCame ? waited++ < 150 : f.tag === 'iframe' && rested++ < 20;
    if (!again) return f;
    await page.waitForTimeout(100);
  }
}

/** One reading of {@link focusedElement}, without waiting: `frameNeverCame` is set when the focused iframe has no document now. */
async function readFocus(page: Page): Promise<Focused> {
  let frame: Frame = page.mainFrame();
  let noDocument = false;
  for (let depth = 0; depth < 3; depth++) {
    const handle = await frame.evaluateHandle(() => (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement);
    const el = handle.asElement();
    const isFrame = el !== null && (await el.evaluate((e) => (e as unknown as { tagName: string }).tagName)) === 'IFRAME';
    const inner = isFrame ? await el.contentFrame() : null;
    noDocument = isFrame && !inner;
    if (!inner) break;
    frame = inner;
  }
  const seen = await frame.evaluate(() => {
    type El = {
      tagName: string; id: string; textContent: string | null; getAttribute(n: string): string | null;
      value?: string; type?: string; checked?: boolean; href?: string;
    };
    const g = globalThis as unknown as { document: { activeElement: El | null }; getComputedStyle(e: El): { outlineStyle: string; outlineWidth: string; boxShadow: string } };
    const e = g.document.activeElement;
    if (!e) return null;
    const s = g.getComputedStyle(e);
    const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      text: (e.getAttribute('aria-label') || (e.textContent ?? '').replace(/\s+/g, ' ').trim() || e.value || '').slice(0, 200),
      type: e.type ?? '',
      href: e.getAttribute('href') ?? '',
      checked: Boolean(e.checked),
      indicated: outlined || (s.boxShadow !== 'none' && s.boxShadow !== ''),
    };
  });
  if (!seen) throw new Error(`nothing has the focus in ${frame.url()}`);
  return { frameUrl: frame.url(), ...seen, ...(noDocument ? { frameNeverCame: true } : {}) };
}

/** Where the sweep keeps its screenshots: SCREENSHOT_DIR, else artifacts/screenshots in the checkout. */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? path.join(process.cwd(), 'artifacts', 'screenshots');

/** Saves a full-page PNG of `page` as `<SCREENSHOT_DIR>/<lang>-<width>/<name>.png`; returns its path. */
export async function keepScreenshot(page: Page, lang: string, width: number, name: string): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, `${lang}-${width}`, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What a Tab stop must be: a predicate on the focused element, or a pattern its text matches. */
export type FocusTarget = RegExp | ((f: Focused) => boolean);

/**
 * Presses Tab (Shift+Tab with `back`) until the focused element matches `target`, at most `max` times; every stop
 * on the way must draw a focus indicator. Returns the stops, the matching one last. Only the keyboard moves focus.
 */
export async function tabTo(page: Page, target: FocusTarget, opts: { back?: boolean; max?: number } = {}): Promise<Focused[]> {
  const matches = typeof target === 'function' ? target : (f: Focused) => target.test(f.text);
  const stops: Focused[] = [];
  for (let i = 0; i < (opts.max ?? 60); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    const f = await focusedElement(page);
    stops.push(f);
    if (f.frameNeverCame) throw new Error(`waited 15 s for the document of the focused <iframe id="${f.id}"> in ${f.frameUrl}; the frame never came`);
    // The body has the focus when Tab left the last control of the page (a browser's own controls come next); an
    // iframe element that kept it for focusedElement's 2 s holds it only on the way into its document (a pass-through
    // stop, like body).
    if (!f.indicated && f.tag !== 'body' && f.tag !== 'iframe') throw new Error(`no visible focus indicator on <${f.tag} id="${f.id}"> "${f.text}" in ${f.frameUrl}`);
    if (matches(f)) return stops;
  }
  throw new Error(`${String(target)} not reached by ${opts.back ? 'Shift+Tab' : 'Tab'}; stops: ${stops.map((s) => `<${s.tag}> ${s.text}`).join(' | ')}`);
}

/**
 * Presses `key` on whatever has the focus and waits until the document of `which` (the page, or the frame whose URL
 * starts with a prefix) has been replaced by a loaded one: a link or a form followed by the keyboard.
 */
export async function pressAndLoad(page: Page, key: string, which: { frameUrl?: string } = {}): Promise<Frame> {
  const find = (): Frame | undefined => (which.frameUrl ? page.frames().find((f) => f.url().startsWith(which.frameUrl!)) : page.mainFrame());
  type Marked = { __beforeKey?: boolean; document: { readyState: string } };
  await find()?.evaluate(() => {
    (globalThis as unknown as Marked).__beforeKey = true;
  });
  await page.keyboard.press(key);
  for (let i = 0; i < 150; i++) {
    const f = find();
    const loaded = await f
      ?.evaluate(() => !(globalThis as unknown as Marked).__beforeKey && (globalThis as unknown as Marked).document.readyState === 'complete')
      .catch(() => false);
    if (f && loaded) return f;
    await page.waitForTimeout(100);
  }
  throw new Error(`pressing ${key} loaded no new page in ${which.frameUrl ?? 'the page'}`);
}
