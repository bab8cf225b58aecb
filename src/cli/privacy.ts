/**
 * Privacy requests and retention from the command line (same environment as the app; every action is audited as
 * done by the operator):
 *   npm run privacy -- find <name, e-mail or LMS user id>
 *   npm run privacy -- export --user <users.id> [--context <contexts.id>] [--format json|csv] [--out FILE]
 *   npm run privacy -- erase --user <users.id> [--context <contexts.id>] [--yes]
 *   npm run privacy -- purge [--dry-run] [--days N]
 *   npm run privacy -- audit [--context <contexts.id>] [--limit N] [--out FILE]   (CSV)
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { isEntryPoint, withComposition, type Line } from './common.js';
import { auditCsv, erasureItems, exportCsv, exportJson, retentionLines } from '../web/presenters/privacy.js';
import { translator } from '../i18n/index.js';

const USAGE = `Usage:
  npm run privacy -- find <name, e-mail or LMS user id>
  npm run privacy -- export --user <user-id> [--context <course-id>] [--format json|csv] [--out FILE]
  npm run privacy -- erase --user <user-id> [--context <course-id>] [--yes]     (without --yes: shows what would go)
  npm run privacy -- purge [--dry-run] [--days N]      (N defaults to RETENTION_DAYS)
  npm run privacy -- audit [--context <course-id>] [--limit N] [--out FILE]     (CSV)`;

/** Runs the privacy CLI; returns the exit code. Exported for tests. */
export async function runPrivacyCli(argv: string[], env: NodeJS.ProcessEnv, out: Line = (l) => console.log(l), err: Line = (l) => console.error(l)): Promise<number> {
  const [command, ...rest] = argv;
  let args;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        user: { type: 'string' },
        context: { type: 'string' },
        format: { type: 'string', default: 'json' },
        out: { type: 'string' },
        yes: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        days: { type: 'string' },
        limit: { type: 'string', default: '1000' },
      },
    });
  } catch (e) {
    err((e as Error).message);
    err(USAGE);
    return 1;
  }
  const v = args.values;
  const write = (text: string) => (v.out ? fs.writeFileSync(v.out, text, { mode: 0o600 }) : out(text.replace(/\n$/, '')));
  const t = translator();
  if (!['find', 'export', 'erase', 'purge', 'audit'].includes(command ?? '')) {
    err(USAGE);
    return 1;
  }
  if ((command === 'export' || command === 'erase') && !v.user) {
    err(`--user is required.\n${USAGE}`);
    return 1;
  }
  if (v.format !== 'json' && v.format !== 'csv') {
    err('--format must be json or csv.');
    return 1;
  }
  const days = v.days === undefined ? undefined : Number(v.days);
  if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
    err('--days must be a whole number of days above 0.');
    return 1;
  }
  return withComposition(env, err, async (c) => {
    const request = { userId: v.user ?? '', contextId: v.context ?? null, actor: { kind: 'cli' as const } };
    switch (command) {
      case 'find': {
        const query = args.positionals.join(' ').trim();
        if (!query) throw new Error('say what to look for: npm run privacy -- find <name, e-mail or LMS user id>');
        const found = await c.privacy.findPeople(query);
        if (found.length === 0) out(`Nobody matches "${query}".`);
        for (const p of found) out(`${p.userId}  ${p.name ?? ''} <${p.email ?? ''}>  lms user id ${p.sub} on ${p.platformName}; courses: ${p.courses.map((x) => `${x.contextId} (${x.title ?? ''})`).join(', ') || 'none'}`);
        return 0;
      }
      case 'export': {
        const format = v.format as 'json' | 'csv';
        const record = await c.privacy.exportStudent({ ...request, format });
        write(format === 'csv' ? exportCsv(record, t) : `${JSON.stringify(exportJson(record, t, c.clock.now()), null, 2)}\n`);
        if (v.out) err(`Wrote ${v.out} (${record.courses.length} course(s)).`);
        return 0;
      }
      case 'erase': {
        const preview = await c.privacy.previewErasure(request);
        out(`${v.context ? `In course ${v.context}` : 'In every course'} (${preview.courses.map((x) => x.title ?? x.contextId).join(', ') || 'none'}), erasing ${preview.name || v.user} removes:`);
        for (const line of erasureItems(preview, t)) out(`  - ${line}`);
        out(preview.gradesInLms ? t('privacy.erase.lmsKeeps', { count: preview.gradesInLms }) : t('privacy.erase.lmsNone'));
        if (!v.yes) {
          err('Nothing erased: run again with --yes to erase.');
          return 1;
        }
        const done = await c.privacy.eraseStudent(request);
        out(`Erased. Receipt ${done.receipt}; rows removed: ${JSON.stringify(done.counts)}${done.profileRemoved ? '; profile removed' : ''}.`);
        return 0;
      }
      case 'purge': {
        if (days === undefined && c.config.RETENTION_DAYS === 0) throw new Error('retention is off (RETENTION_DAYS=0): pass --days N to purge courses inactive for N days');
        const report = await c.privacy.purgeInactiveCourses({ dryRun: v['dry-run'], ...(days ? { days } : {}), actor: { kind: 'cli' } });
        const lines = retentionLines(report);
        if (lines.length === 0) out(`No course has been inactive since ${new Date(report.before).toISOString()}: nothing to purge.`);
        for (const l of lines) out(l);
        return 0;
      }
      default: {
        const limit = Math.max(1, Math.min(100_000, Number(v.limit) || 1000));
        write(auditCsv(await c.privacy.listAudit({ ...(v.context ? { contextId: v.context } : {}), limit }), t));
        return 0;
      }
    }
  });
}

if (isEntryPoint(import.meta.filename)) process.exitCode = await runPrivacyCli(process.argv.slice(2), process.env);
