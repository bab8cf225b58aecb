/**
 * The message catalogue: every key the web layer and the grade comments name exists in the English catalogue, pages never show a raw key,
 * and a launch in a locale we have no catalogue for (es) gets English pages without error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM } from '../../src/devplatform/index.js';
import { catalogueKeys, languageFor, translator, type Translate } from '../../src/i18n/index.js';
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { scoreFor } from '../../src/services/gradePolicy.js';
import { browser, type TestBrowser } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, loginAt, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const ROOT = path.resolve(import.meta.dirname, '../..');
const AREAS = ['layout', 'home', 'errors', 'student', 'instructor', 'admin', 'deepLinking', 'grades'];
/** A catalogue key as it would leak onto a page if it were missing (`student.map.start`). */
const RAW_KEY = new RegExp(`\\b(?:${AREAS.join('|')})\\.(?!(?:js|css)\\b)[a-z][A-Za-z]*(?:\\.[A-Za-z_]+)*\\b`, 'g');

const filesUnder = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : p.endsWith(ext) ? [p] : [];
  });

describe('message catalogue', () => {
  it('holds every key the web layer and the views name', () => {
    const known = new Set(catalogueKeys().map((k) => k.replace(/_(one|other)$/, '')));
    const sources = [...filesUnder(path.join(ROOT, 'src/web'), '.ts'), path.join(ROOT, 'src/services/gradePolicy.ts'), ...filesUnder(path.join(ROOT, 'views'), '.ejs')];
    const used = new Map<string, string>();
    for (const file of sources) {
      for (const m of readFileSync(file, 'utf8').matchAll(new RegExp(`'((?:${AREAS.join('|')})\\.[A-Za-z0-9_.]+)'`, 'g'))) {
        const key = m[1] as string;
        if (!key.endsWith('.') && !/\.(js|css)$/.test(key)) used.set(key, path.relative(ROOT, file));
      }
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter(([k]) => !known.has(k)).map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
  });

  it('composes grade comments from the catalogue', () => {
    const standing = { objectiveId: 'o1', title: 'Halves', p: 0.97, state: 'mastered', history: [0.97], occurredAt: 0 };
    const english = scoreFor(defaultPolicy('c'), 'objective:o1', ['o1'], [standing], 0);
    expect(english.comment).toBe('Halves: mastered on 1 Jan 1970.');
    const keysOnly = Object.assign((key: string) => `<${key}>`, { lang: 'xx' }) as Translate;
    expect(scoreFor({ ...defaultPolicy('c'), policy: 'p_mastery' }, 'activity:a', ['o1', 'o2'], [standing], 0, keysOnly).comment).toBe('<grades.someMastered> <grades.noGradeYet>');
  });

  it('falls back to English for a locale without a catalogue', () => {
    expect(languageFor('es')).toBe('en');
    expect(languageFor('es-MX')).toBe('en');
    expect(languageFor(undefined)).toBe('en');
    expect(translator('es')('student.map.afterAnswers', { count: 2 })).toBe('after 2 answers');
  });
});

describe('pages in a launch with locale es (no Spanish catalogue: English)', () => {
  let rig: LaunchRig;
  let student: TestBrowser;
  let instructor: TestBrowser;
  let learnerId: string;

  /** A real login and a launch whose id_token says `locale` (launch_presentation). */
  async function launchIn(locale: string, userId: string, messageType?: 'LtiDeepLinkingRequest'): Promise<{ response: Response; browser: TestBrowser }> {
    const { state, nonce, browser: b } = await loginAt(rig, userId);
    const claims = rig.lms.launchClaims({ userId, nonce, ...(messageType ? { messageType } : {}) });
    claims[CLAIM.launchPresentation] = { ...(claims[CLAIM.launchPresentation] as Record<string, unknown>), locale };
    const res = await b.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(claims), state }, { origin: rig.lms.url });
    return { response: await b.follow(res), browser: b };
  }
  const noRawKeys = (html: string, where: string) => expect(html.match(RAW_KEY) ?? [], where).toEqual([]);

  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false, env: { DEMO: 'true' } } as never);
    const s = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    const i = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const launched = await launchIn('es', s.id);
    expect(launched.response.status).toBe(200);
    student = launched.browser;
    instructor = (await launchIn('es', i.id)).browser;
    learnerId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', s.id).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => rig?.close());

  it('renders the student pages in English, without raw keys', async () => {
    const app = await (await student.get(`${rig.toolUrl}/app`)).text();
    expect(app).toContain('<html lang="en">');
    expect(app).toContain('Open my mastery map');
    noRawKeys(app, '/app');
    const map = await student.get(`${rig.toolUrl}/student`);
    expect(map.status).toBe(200);
    const mapHtml = await map.text();
    expect(mapHtml).toContain('Goals and progress');
    noRawKeys(mapHtml, '/student');
    let page = await (await student.get(`${rig.toolUrl}/student/practice`)).text();
    noRawKeys(page, '/student/practice');
    const go = /href="([^"]*go=1)"/.exec(page)?.[1];
    if (go) page = await (await student.get(`${rig.toolUrl}${go.replace(/&amp;/g, '&')}`)).text();
    expect(page).toContain('Check my answer');
    noRawKeys(page, '/student/practice?go=1');
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page)?.[1] ?? '';
    const choice = /name="answer" id="choice-0" value="([^"]+)"/.exec(page)?.[1] ?? '1';
    const fed = await student.postForm(`${rig.toolUrl}/student/answer`, { csrf: field('csrf'), attemptId: field('attemptId'), itemId: field('itemId'), answer: choice }, { origin: rig.toolUrl });
    expect(fed.status).toBe(200);
    const feedback = await fed.text();
    expect(feedback).toMatch(/Correct|Not quite/);
    noRawKeys(feedback, '/student/answer');
  });

  it('renders the instructor pages in English, without raw keys', async () => {
    for (const p of ['/app', '/instructor', `/instructor/students/${encodeURIComponent(learnerId)}`, '/instructor/grades', '/instructor/evidence']) {
      const res = await instructor.get(`${rig.toolUrl}${p}`);
      expect(res.status, p).toBe(200);
      const html = await res.text();
      expect(html, p).toContain('<html lang="en">');
      noRawKeys(html, p);
    }
  });

  it('renders the deep-linking picker and the admin pages without raw keys', async () => {
    const i = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const picker = await launchIn('es', i.id, 'LtiDeepLinkingRequest');
    expect(picker.response.status).toBe(200);
    noRawKeys(await picker.response.text(), '/deep-linking');
    const admin = browser();
    noRawKeys(await (await admin.get(`${rig.toolUrl}/admin`)).text(), '/admin sign-in');
    await admin.postForm(`${rig.toolUrl}/admin/signin`, { token: ADMIN_TOKEN });
    noRawKeys(await (await admin.get(`${rig.toolUrl}/admin`)).text(), '/admin');
  });

  it('shows error pages from the catalogue in English', async () => {
    const forged = await student.postForm(`${rig.toolUrl}/student/answer`, { csrf: 'forged' }, { origin: rig.toolUrl });
    const html = await forged.text();
    expect(errorOf(html).code).toBe('ERR_CSRF_INVALID');
    expect(html).toContain('This form has expired or did not come from Masterly.');
    noRawKeys(html, 'csrf error');
    const missing = await student.get(`${rig.toolUrl}/no/such/page`);
    expect(missing.status).toBe(404);
    noRawKeys(await missing.text(), '404');
    const refused = await browser().postForm(`${rig.toolUrl}/lti/launch`, {}, { origin: rig.lms.url });
    const refusal = await refused.text();
    const { code, reason } = errorOf(refusal);
    expect(code).toBe('ERR_LAUNCH_REJECTED');
    expect(refusal).toContain(translator()(`errors.launch.${reason as 'token_missing'}`));
    noRawKeys(refusal, 'launch refusal');
    const noSession = await browser().get(`${rig.toolUrl}/student`);
    expect(noSession.status).toBe(401);
    expect(await noSession.text()).toContain('Your session has ended.');
  });
});
