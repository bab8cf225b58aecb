/**
 * The console's sign-in and the privacy administration pages follow the browser's language (Accept-Language): before
 * and after the admin-token sign-in there is no launch to say a locale. Every page in Spanish, no English left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, launchAs, type TestBrowser } from '../support/devplatform.js';
import { ADMIN_TOKEN, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('admin and privacy pages in the browser’s language', () => {
  let rig: LaunchRig;
  let admin: TestBrowser;
  let learnerId: string;
  let platformId: string;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    const s = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    await launchAs(rig.lms, rig.toolUrl, { userId: s.id });
    learnerId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', s.id).executeTakeFirstOrThrow()).id;
    platformId = (await rig.tool.db.kysely.selectFrom('platforms').select('id').executeTakeFirstOrThrow()).id;
    admin = browser({ headers: { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' } });
  });
  afterAll(async () => rig?.close());

  /** English a person read on these pages before they followed the browser's language. */
  const ENGLISH = [
    'Masterly administration',
    'Admin token',
    'That token is not right',
    'Approved',
    'by an administrator',
    '(generic)',
    'Run the install self-test',
    'Passed',
    'Launches from this LMS are allowed',
    'The class list can be read',
    'Masterly: student data',
    'Find a person',
    'Nobody matches',
    'Masterly: data of',
    '0 answers',
    'their name, e-mail and LMS user id',
    'Audit log',
    'When (UTC)',
    'Administrator',
    'Platform registered',
    'Student data erased',
    'That student link is not valid',
    'Nothing was erased',
    'The student’s data was erased',
    ' PM UTC',
    ' AM UTC',
  ];
  const textOf = (html: string) => html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  const expectSpanish = (html: string, page: string, spanish: string) => {
    expect(html, page).toContain('<html lang="es">');
    expect(textOf(html), page).toContain(spanish);
    expect(ENGLISH.filter((e) => textOf(html).includes(e)), page).toEqual([]);
  };

  it('shows the sign-in, the console, the self-test and the privacy pages, and their errors, in Spanish', async () => {
    const get = async (path: string, status = 200) => {
      const res = await admin.get(`${rig.toolUrl}${path}`);
      expect(res.status, path).toBe(status);
      return res.text();
    };
    expectSpanish(await get('/admin', 401), 'sign-in', 'Token de administración');
    expectSpanish(await get('/admin/privacy', 401), 'privacy sign-in', 'Iniciar sesión');
    const wrong = await admin.postForm(`${rig.toolUrl}/admin/signin`, { token: 'not-the-token' }, { origin: rig.toolUrl });
    expect(wrong.status).toBe(401);
    expectSpanish(await wrong.text(), 'wrong token', 'Ese token no es correcto');

    await admin.follow(await admin.postForm(`${rig.toolUrl}/admin/signin`, { token: ADMIN_TOKEN }, { origin: rig.toolUrl }));
    expectSpanish(await get('/admin'), 'console', '(otro LMS) Aprobada');
    expectSpanish(await get(`/admin/platforms/${platformId}/self-test`), 'self-test', 'Se permiten los accesos desde este LMS.');
    expectSpanish(await get('/admin/privacy'), 'search', 'Solicitudes sobre datos de estudiantes');
    expectSpanish(await get('/admin/privacy?q=zzzzqqq'), 'no match', 'Nadie coincide con «zzzzqqq».');
    const person = await get(`/admin/privacy/people/${learnerId}`);
    expectSpanish(person, 'person', 'su nombre, su correo y su ID de usuario del LMS');
    expectSpanish(await get(`/admin/privacy/people/${'x'.repeat(200)}`, 422), 'bad link', 'Ese enlace de estudiante no es válido.');
    const csrf = /name="csrf" value="([^"]+)"/.exec(person)?.[1] ?? '';
    const unconfirmed = await admin.postForm(`${rig.toolUrl}/admin/privacy/people/${learnerId}/erase`, { csrf }, { origin: rig.toolUrl });
    expect(unconfirmed.status).toBe(422);
    expectSpanish(await unconfirmed.text(), 'not confirmed', 'No se borró nada');
    const erased = await admin.follow(await admin.postForm(`${rig.toolUrl}/admin/privacy/people/${learnerId}/erase`, { csrf, confirm: 'yes' }, { origin: rig.toolUrl }));
    expectSpanish(await erased.text(), 'erased', 'Se borraron los datos del estudiante');
    const audit = await get('/admin/audit');
    expectSpanish(audit, 'audit', 'Datos del estudiante borrados');
    expect(textOf(audit)).toMatch(/\d+ [a-z]{3} \d{4}, \d+:\d\d UTC/); // a Spanish date, its zone named
  });

  it('stays in English for a browser that asks for English', async () => {
    const html = await (await browser({ headers: { 'accept-language': 'en-GB,en;q=0.9' } }).get(`${rig.toolUrl}/admin`)).text();
    expect(html).toContain('<html lang="en">');
    expect(textOf(html)).toContain('Admin token');
  });
});
