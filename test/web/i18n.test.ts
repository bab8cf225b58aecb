/**
 * The message catalogue: every key the web layer and the grade comments name exists in the English catalogue, pages never show a raw key,
 * the Spanish catalogue has every key with the same variables, a launch in Spanish (es) gets Spanish pages, errors and
 * dates, and a locale we have no catalogue for (fr) gets English.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM } from '../../src/devplatform/index.js';
import { catalogueKeys, hasKey, languageFor, languageFromHeader, render, translator, type Translate } from '../../src/i18n/index.js';
import { en } from '../../src/i18n/en.js';
import { formatDateTime } from '../../src/i18n/format.js';
import { es } from '../../src/i18n/es.js';
import { Conflict, DeepLinkAlreadyUsed, IllegalTransition, LmsRejected, LmsUnavailable, LmsUrlUntrusted, ObjectiveLocked, ValidationFailed, type AppError } from '../../src/domain/errors.js';
import { checkAnswer } from '../../src/domain/items.js';
import { explanationMessage, type Evidence, type ExplanationKind, type ExplanationRule } from '../../src/domain/explain.js';
import { validateGradePolicy } from '../../src/domain/gradePolicy.js';
import { isMessage, type Message } from '../../src/domain/message.js';
import { DeepLinkSelectionRefused } from '../../src/services/deepLinking.js';
import { parseAccommodations } from '../../src/services/instructorActions.js';
import { parseNewPlatform } from '../../src/services/registerPlatform.js';
import { setLmsAddress } from '../../src/services/setLmsAddress.js';
import { issueMessage, presentError } from '../../src/web/errors.js';
import { presentFeedback } from '../../src/web/presenters/student.js';
import { presentEvidencePage } from '../../src/web/presenters/instructorEvidence.js';
import type { SubmitResult } from '../../src/services/submitResponse.js';
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { scoreFor } from '../../src/services/gradePolicy.js';
import { browser, type TestBrowser } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, loginAt, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const ROOT = path.resolve(import.meta.dirname, '../..');
const AREAS = ['layout', 'home', 'errors', 'student', 'instructor', 'admin', 'deepLinking', 'grades', 'explain', 'setup'];
/** A catalogue key as it would leak onto a page if it were missing (`student.map.start`). */
const RAW_KEY = new RegExp(`\\b(?:${AREAS.join('|')})\\.(?!(?:js|css)\\b)[a-z][A-Za-z]*(?:\\.[A-Za-z_]+)*\\b`, 'g');

const filesUnder = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : p.endsWith(ext) ? [p] : [];
  });

/** A translator whose catalogue holds only keys: `<key>`; any English on its output came from code, not the catalogue. */
const keysOnly = Object.assign((key: string) => `<${key}>`, { lang: 'en' }) as Translate;
/** What is left of a text once catalogue keys (`<a.b>`) are removed: only punctuation and user data may remain. */
const outsideKeys = (text: string) => text.replace(/<[a-zA-Z_.]+>/g, '').trim();
/** Every catalogue key a message (and its nested messages) names. */
const keysOf = (m: Message): string[] => [m.key, ...Object.values(m.vars ?? {}).flatMap((v) => (isMessage(v) ? keysOf(v) : Array.isArray(v) ? v.flatMap(keysOf) : []))];

const KINDS: [ExplanationKind, ExplanationRule][] = [
  ['unlocked', 'no_prerequisites'], ['unlocked', 'instructor_override'], ['unlocked', 'release_date'], ['unlocked', 'prerequisites_mastered'],
  ['practising', 'first_response'], ['checking', 'mastery_rule_met'], ['rechecking', 'mastery_rule_met'], ['mastered', 'check_passed'],
  ['mastered', 'mastery_rule_met'], ['reteaching', 'check_failed'], ['stuck', 'cycle_cap'], ['reteaching', 'struggling'], ['reteaching', 'wheel_spinning'], ['reopened', 'retention_miss'],
  ['reopened', 'probability_below_threshold'], ['remedial', 'weak_prerequisite'], ['enrichment_unlocked', 'mastery_rule_met'],
  ['retention_passed', 'retention_correct'], ['grade_locked', 'due_date'], ['reset', 'instructor_reset'],
];
const EVIDENCE: Evidence = {
  pAfter: 0.5, threshold: 0.95, responses: 6, lastCorrect: false, checkCorrect: 1, checkLength: 3, cycles: 2, opportunities: 10, cap: 10, grade: 80,
  nextRetentionAt: 3 * 86_400_000,
  prerequisites: [{ id: 'a', title: 'Halves', p: 0.97, responses: 6, state: 'mastered' }, { id: 'b', title: 'Thirds', p: 0.4, responses: 9, state: 'not_mastered' }],
};
/** User data a test puts into messages (objective titles); allowed on a keys-only page. */
const USER_DATA = /Halves|Thirds|Fractions/g;

/** Errors thrown by services and the domain, as the pages receive them. */
async function thrownErrors(): Promise<AppError[]> {
  const caught = async (f: () => unknown): Promise<AppError> => {
    try {
      await f();
    } catch (e) {
      return e as AppError;
    }
    throw new Error('did not throw');
  };
  return [
    new ObjectiveLocked('o1'),
    new IllegalTransition('mastered', 'check'),
    new DeepLinkAlreadyUsed(),
    new DeepLinkSelectionRefused('multiple_not_accepted', 'English', { count: 2 }),
    new DeepLinkSelectionRefused('links_not_accepted', 'English'),
    new LmsUnavailable('Grades: the LMS answered 503.', 503, undefined),
    new LmsRejected('not_found', 404, 'Results: the LMS answered 404 (gone).'),
    new LmsUrlUntrusted('address_not_public', 'http://10.0.0.1', 'English'),
    await caught(() => parseAccommodations({ thresholdOffset: '-1', extraCycles: 'x', extraOpportunities: '0', timeMultiplier: '9' })),
    await caught(() => parseNewPlatform({ issuer: '', clientId: 'c', authUrl: 'http://lms.example.edu/a', tokenUrl: 'https://u:p@lms.example.edu/t', jwksUrl: 'nope' })),
    await caught(() => setLmsAddress({ platforms: {} as never, registry: {} as never }, { platformId: 'p', lmsUrl: 'https://school.example.edu/path' })),
    await caught(() => validateGradePolicy({ ...defaultPolicy('c'), perObjective: false, perActivity: false })),
    await caught(() => validateGradePolicy({ ...defaultPolicy('c'), scoreMaximum: 0 })),
  ];
}

describe('messages from the domain and the services', () => {
  it('name only keys the catalogue has', async () => {
    const messages: Message[] = KINDS.map(([k, r]) => explanationMessage(k, r, 'Fractions', EVIDENCE, 0));
    messages.push(explanationMessage('remedial', 'weak_prerequisite', 'Fractions', {}), explanationMessage('grade_locked', 'due_date', 'Fractions', {}));
    for (const e of await thrownErrors()) {
      expect(e.said, e.message).toBeDefined();
      messages.push(e.said!);
      if (e instanceof ValidationFailed) for (const i of e.issues) if (i.said) messages.push(i.said);
    }
    const missing = messages.flatMap(keysOf).filter((k) => !hasKey(k));
    expect(missing).toEqual([]);
    // And every literal key written in src (msg('…'), explain's E('…')) exists.
    const written = new Map<string, string>();
    for (const file of filesUnder(path.join(ROOT, 'src'), '.ts')) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bmsg\('([A-Za-z0-9_.]+)'/g)) written.set(m[1]!, path.relative(ROOT, file));
      if (file.endsWith('explain.ts')) for (const m of text.matchAll(/\bE\('([A-Za-z0-9_]+)'/g)) written.set(`explain.${m[1]}`, path.relative(ROOT, file));
    }
    expect(written.size).toBeGreaterThan(30);
    expect([...written].filter(([k]) => !hasKey(k)).map(([k, f]) => `${k} (${f})`)).toEqual([]);
  });

  it('say nothing in English themselves: with a keys-only catalogue only keys and user data remain', async () => {
    for (const [kind, rule] of KINDS) {
      const text = render(keysOnly, explanationMessage(kind, rule, 'Fractions', EVIDENCE, 0));
      expect(outsideKeys(text.replace(USER_DATA, '')), `${kind}/${rule}: ${text}`).toBe('');
    }
    const mc = { id: 'i', kind: 'multiple_choice', objectiveIds: ['o'], prompt: 'p', choices: [{ id: 'a', text: 'a' }, { id: 'b', text: 'b' }, { id: 'c', text: 'c' }], correctChoiceIds: ['a', 'b'] };
    expect(render(keysOnly, checkAnswer(mc as never, ['a', 'c']).feedback)).toBe('<items.notQuite>');
    expect(render(translator(), checkAnswer(mc as never, ['c']).feedback)).toBe('Not quite: 2 right choices missing and 1 wrong choice picked.');
    expect(render(keysOnly, checkAnswer({ id: 'n', kind: 'numeric', objectiveIds: ['o'], prompt: 'p', answer: 1 } as never, 'lots').feedback)).toBe('<items.notANumber>');
    for (const e of await thrownErrors()) {
      const shown = presentError(e, 'req', keysOnly).message;
      expect(shown, e.message).toMatch(/^<[a-zA-Z_.]+>$/);
      if (e instanceof ValidationFailed) for (const i of e.issues) expect(issueMessage(i, keysOnly), `${i.path}: ${i.message}`).toMatch(/^<[a-zA-Z_.]+>$/);
    }
  });

  it('reach the pages through the catalogue only (feedback and evidence pages with a keys-only catalogue)', () => {
    const unlockedMsg = explanationMessage('unlocked', 'prerequisites_mastered', 'Thirds', EVIDENCE);
    const result: SubmitResult = {
      attemptId: 'a', itemId: 'i', objectiveId: 'o', objectiveTitle: 'Halves', phase: 'practice', correct: false, feedback: 'Halves', hint: null,
      detail: checkAnswer({ id: 'n', kind: 'numeric', objectiveIds: ['o'], prompt: 'p', answer: 1 } as never, 'lots').feedback,
      change: { pBefore: 0.5, pAfter: 0.4, stateBefore: 'practising', stateAfter: 'reteaching' }, check: null, replayed: false,
      notes: KINDS.map(([kind, rule]) => ({ objectiveId: 'o', objectiveTitle: 'Halves', kind, rule, message: explanationMessage(kind, rule, 'Halves', EVIDENCE) })),
      unlocked: [{ objectiveId: 'p', title: 'Thirds', message: unlockedMsg }],
    };
    const view = presentFeedback(result, keysOnly);
    const shown = [view.detail ?? '', ...view.notes, ...view.unlocked.map((u) => u.message)];
    expect(shown.length).toBeGreaterThan(2);
    for (const text of shown) expect(outsideKeys(text.replace(USER_DATA, '')), text).toBe('');
    const evidence = presentEvidencePage({ columns: null, unavailable: { key: 'instructor.evidence.noGradebook' }, orphans: [], objectives: [] }, 'csrf', null, keysOnly);
    expect(evidence.unavailable).toBe('<instructor.evidence.noGradebook>');
  });

  it('are English on an English page, with numbers formatted for the locale', () => {
    const t = translator('en');
    expect(render(t, explanationMessage('unlocked', 'prerequisites_mastered', 'Fractions', EVIDENCE))).toBe(
      'Unlocked because you mastered Halves and moved on from Thirds (not mastered).',
    );
    expect(render(t, explanationMessage('retention_passed', 'retention_correct', 'Fractions', { nextRetentionAt: 86_400_000 }, 0))).toBe(
      'Review question on Fractions right: next review in 1 day.',
    );
    expect(presentError(new Conflict('English only', { key: 'errors.alreadyUnlocked', vars: { title: 'Halves' } }), 'r', t).message).toBe('Halves is already unlocked for this student.');
    expect(formatDateTime(t, Date.UTC(2026, 2, 1, 13, 5))).toBe('Mar 1, 2026, 1:05 PM UTC');
    // Plain text of explanation rows stored before messages were structured is shown as it was.
    expect(render(t, 'Unlocked because you mastered Halves.')).toBe('Unlocked because you mastered Halves.');
  });
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
    expect(scoreFor({ ...defaultPolicy('c'), policy: 'p_mastery', activityGrade: 'objective_grade' }, 'activity:a', ['o1', 'o2'], [standing], 0, keysOnly).comment).toBe('<grades.someMastered> <grades.noGradeYet>');
    // The default activity grade (percent mastered) is a grade as soon as one objective is mastered, and says how.
    expect(scoreFor(defaultPolicy('c'), 'activity:a', ['o1', 'o2'], [standing], 0, keysOnly).comment).toBe('<grades.someMastered> <placements.by.percent_mastered>');
  });

  it('falls back to English for a locale without a catalogue', () => {
    expect(languageFor('fr')).toBe('en');
    expect(languageFor('fr-CA')).toBe('en');
    expect(languageFor(undefined)).toBe('en');
    expect(translator('fr')('student.map.afterAnswers', { count: 2 })).toBe('after 2 answers');
  });
});

describe('Spanish catalogue', () => {
  const leaves = (c: object, prefix = ''): [string, string][] =>
    Object.entries(c).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v as object, `${prefix}${k}.`)));
  const english = new Map(leaves(en));
  const spanish = new Map(leaves(es));
  const vars = (s: string) => [...s.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]).sort();

  it('has exactly the English keys, each translated, with the same {{variables}} and formats', () => {
    expect([...spanish.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      const es = spanish.get(key) ?? '';
      expect(es.trim() === '', key).toBe(text.trim() === '');
      expect(vars(es), key).toEqual(vars(text));
      // The same markup (e.g. <code>) and no English sentence left inside.
      expect(es.match(/<[^>]+>/g) ?? [], key).toEqual(text.match(/<[^>]+>/g) ?? []);
    }
    const same = [...english].filter(([k, v]) => v && spanish.get(k) === v).map(([k]) => k);
    // Names, codes and format names may stay as they are (Masterly, LMS, Moodle XML, "{{title}} · Masterly"); nothing more.
    expect(same.length / english.size).toBeLessThan(0.05);
  });

  it('picks Spanish for es and its regional variants, with Spanish plurals, dates and numbers', () => {
    expect(languageFor('es')).toBe('es');
    expect(languageFor('es-MX')).toBe('es');
    expect(languageFor('es_419')).toBe('es');
    const t = translator('es-AR');
    expect(t.lang).toBe('es');
    expect(t('student.map.afterAnswers', { count: 1 })).toBe('después de 1 respuesta');
    expect(t('student.map.afterAnswers', { count: 2 })).toBe('después de 2 respuestas');
    expect(formatDateTime(t, Date.UTC(2026, 2, 1, 13, 5))).toBe('1 mar 2026, 13:05 UTC');
    const standing = { objectiveId: 'o1', title: 'Medios', p: 0.97, state: 'mastered', history: [0.97], occurredAt: 0 };
    expect(scoreFor({ ...defaultPolicy('c'), language: 'es' }, 'objective:o1', ['o1'], [standing], 0).comment).toBe('Medios: dominado el 1 ene 1970.');
  });
});

describe('pages in a launch with locale es (Spanish)', () => {
  let rig: LaunchRig;
  let student: TestBrowser;
  let instructor: TestBrowser;
  let learnerId: string;

  /** A real login and a launch whose id_token says `locale` (launch_presentation). */
  async function launchIn(locale: string, userId: string, messageType?: 'LtiDeepLinkingRequest', roles?: string[]): Promise<{ response: Response; browser: TestBrowser }> {
    const { state, nonce, browser: b } = await loginAt(rig, userId);
    const claims = rig.lms.launchClaims({ userId, nonce, ...(messageType ? { messageType } : {}) });
    if (roles) claims['https://purl.imsglobal.org/spec/lti/claim/roles'] = roles;
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

  it('renders the student pages in Spanish, without raw keys', async () => {
    // /app (an old bookmark) sends a student to the mastery map, where the launch landed.
    const app = await student.get(`${rig.toolUrl}/app`);
    expect([app.status, app.headers.get('location')]).toEqual([303, '/student']);
    const map = await student.get(`${rig.toolUrl}/student`);
    expect(map.status).toBe(200);
    const mapHtml = await map.text();
    expect(mapHtml).toContain('<html lang="es">');
    expect(mapHtml).toContain('Metas y progreso');
    expect(mapHtml).toContain('Mapa de dominio');
    expect(mapHtml).not.toContain('Goals and progress');
    noRawKeys(mapHtml, '/student');
    let page = await (await student.get(`${rig.toolUrl}/student/practice`)).text();
    noRawKeys(page, '/student/practice');
    const go = /href="([^"]*go=1)"/.exec(page)?.[1];
    if (go) page = await (await student.get(`${rig.toolUrl}${go.replace(/&amp;/g, '&')}`)).text();
    expect(page).toContain('<html lang="es">');
    expect(page).toContain('Revisar mi respuesta');
    expect(page).toContain('Volver al mapa de dominio');
    noRawKeys(page, '/student/practice?go=1');
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page)?.[1] ?? '';
    const choice = /name="answer" id="choice-0" value="([^"]+)"/.exec(page)?.[1] ?? '1';
    const fed = await student.postForm(`${rig.toolUrl}/student/answer`, { csrf: field('csrf'), attemptId: field('attemptId'), itemId: field('itemId'), answer: choice }, { origin: rig.toolUrl });
    expect(fed.status).toBe(200);
    const feedback = await fed.text();
    expect(feedback).toMatch(/¡Correcto!|No exactamente/);
    noRawKeys(feedback, '/student/answer');
  });

  it('renders the instructor pages in Spanish, without raw keys', async () => {
    const said: Record<string, string> = {
      '/instructor': 'Panel de la clase',
      '/instructor/grades': 'Envío de calificaciones',
      '/instructor/evidence': 'Calificaciones del LMS como evidencia',
      '/instructor/alerts': 'Alertas',
      [`/instructor/students/${encodeURIComponent(learnerId)}`]: 'Historial de explicaciones',
    };
    for (const p of Object.keys(said)) {
      const res = await instructor.get(`${rig.toolUrl}${p}`);
      expect(res.status, p).toBe(200);
      const html = await res.text();
      expect(html, p).toContain('<html lang="es">');
      if (said[p]) expect(html, p).toContain(said[p]);
      noRawKeys(html, p);
    }
    // Dates as Spanish writes them: the student's last answer on the student page ("5 dic 2026, 14:03").
    const studentPage = await (await instructor.get(`${rig.toolUrl}/instructor/students/${encodeURIComponent(learnerId)}`)).text();
    expect(studentPage).toMatch(/última respuesta: \d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic) \d{4}, \d{1,2}:\d{2}/);
    // The grade-sync page offers the course language, Spanish chosen (the instructor's launch was the course's first).
    const grades = await (await instructor.get(`${rig.toolUrl}/instructor/grades`)).text();
    expect(grades).toMatch(/<option value="es" lang="es" selected>Español<\/option>/);
  });

  it('tells someone with no usable role, in Spanish, what Masterly is for and whom to ask', async () => {
    const s = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    const { response, browser: b } = await launchIn('es', s.id, undefined, [`${LIS}Mentor`]);
    expect(b.urlOf(response)).toBe(`${rig.toolUrl}/app`);
    const html = await response.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('Te damos la bienvenida a Masterly');
    expect(html).toContain('pide a tu docente');
    noRawKeys(html, '/app');
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

  it('shows a conflict thrown by a service with its catalogue message', async () => {
    const page = await (await instructor.get(`${rig.toolUrl}/instructor/students/${encodeURIComponent(learnerId)}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const objective = await rig.tool.db.kysely.selectFrom('objectives').select(['id', 'title']).orderBy('id').executeTakeFirstOrThrow();
    const reset = await instructor.postForm(`${rig.toolUrl}/instructor/students/${encodeURIComponent(learnerId)}/reset`, { csrf, objectiveId: objective.id }, { origin: rig.toolUrl });
    expect(reset.status).toBe(303);
    const html = await (await instructor.follow(reset)).text();
    const said = translator('es')('errors.nothingToReset', { title: objective.title });
    expect(said).toContain('no está atascado para este estudiante');
    expect(html.replace(/&#39;/g, "'").replace(/&amp;/g, '&')).toContain(said);
    noRawKeys(html, 'reset conflict');
  });

  it('shows error pages from the catalogue in Spanish', async () => {
    const forged = await student.postForm(`${rig.toolUrl}/student/answer`, { csrf: 'forged' }, { origin: rig.toolUrl });
    const html = await forged.text();
    expect(errorOf(html).code).toBe('ERR_CSRF_INVALID');
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('Este formulario caducó o no vino de Masterly.');
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

  it('answers in the browser language before any launch (landing page, 404, no session)', async () => {
    const es = { 'accept-language': 'es-MX,es;q=0.9,en;q=0.8' };
    const missing = await fetch(`${rig.toolUrl}/no/such/page`, { headers: es });
    expect(missing.status).toBe(404);
    const notFound = await missing.text();
    expect(notFound).toContain('<html lang="es">');
    expect(notFound).toContain('No encontramos esa página.');
    const noSession = await fetch(`${rig.toolUrl}/student`, { headers: es });
    expect(await noSession.text()).toContain('Tu sesión terminó.');
    const landing = await (await fetch(`${rig.toolUrl}/`, { headers: es })).text();
    expect(landing).toContain('Aprendizaje para el dominio dentro de tu LMS');
    // A browser preferring a language we lack, then English, gets English.
    expect(await (await fetch(`${rig.toolUrl}/`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5,es;q=0.1' } })).text()).toContain('<html lang="en">');
    expect(languageFromHeader('de, es;q=0.5')).toBe('es');
    expect(languageFromHeader('*')).toBe('en');
  });
});
