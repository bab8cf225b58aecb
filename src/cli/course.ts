/**
 * `npm run course -- import --context <id> --file <path> [--format moodle|gift|csv|native|cartridge] [--replace]`
 * `npm run course -- export --context <id> --format <format> --file <path>`
 * `npm run course -- list` (courses Masterly knows: the ids to pass as --context)
 *
 * Administrators' import and export: the same converters, checks and one-transaction commit as the instructor page
 * (src/services/courseImport.ts), reading the file as a stream; the per-question report is printed.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { isEntryPoint, withComposition, type Line } from './common.js';
import { AppError } from '../domain/errors.js';
import { render, translator } from '../i18n/index.js';
import { FORMATS, type CourseFormat } from '../services/courseFormats/index.js';

const USAGE = `Usage:
  npm run course -- list
  npm run course -- import --context <context-id> --file <path> [--format ${FORMATS.join('|')}] [--replace]
  npm run course -- export --context <context-id> --format ${FORMATS.join('|')} --file <path>
The format is guessed from the file name when not given (.xml Moodle XML, .gift/.txt GIFT, .csv, .json, .imscc).
An import adds to the course's content (same keys are updated); --replace hides what the file does not contain.`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. Exported for tests. */
export async function runCourseCli(argv: string[], env: NodeJS.ProcessEnv, out: Line = (l) => console.log(l), err: Line = (l) => console.error(l)): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { context: { type: 'string' }, file: { type: 'string' }, format: { type: 'string' }, replace: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (e) {
    err((e as Error).message);
    err(USAGE);
    return 1;
  }
  const [command] = args.positionals;
  const { context, file, format, replace } = args.values;
  if (args.values.help || !command) {
    (args.values.help ? out : err)(USAGE);
    return args.values.help ? 0 : 1;
  }
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    err(`Unknown format "${format}": use one of ${FORMATS.join(', ')}.`);
    return 1;
  }
  if (command !== 'list' && (!context || !file || (command === 'export' && !format))) {
    err(USAGE);
    return 1;
  }
  const t = translator();
  return withComposition(
    env,
    err,
    async (c) => {
      if (command === 'list') {
        const rows = await c.db.kysely.selectFrom('contexts').leftJoin('engine_courses', 'engine_courses.context_id', 'contexts.id').select(['contexts.id', 'contexts.title', 'contexts.label', 'engine_courses.title as course']).orderBy('contexts.title').execute();
        if (rows.length === 0) out('No courses yet: a course appears after its first launch from the LMS.');
        for (const r of rows) out(`${r.id}  ${r.title ?? r.label ?? '(untitled)'}${r.course ? `  — content: ${r.course}` : '  — no content'}`);
        return 0;
      }
      const contextId = context as string;
      const known = await c.db.kysely.selectFrom('contexts').select('id').where('id', '=', contextId).executeTakeFirst();
      if (!known) {
        err(`No course with id ${contextId}: see \`npm run course -- list\`.`);
        return 1;
      }
      if (command === 'export') {
        const exported = await c.courseImport.exportCourseAs({ contextId, format: format as CourseFormat });
        if (!exported) {
          err(t('interop.nothingToExport'));
          return 1;
        }
        fs.writeFileSync(file as string, exported.body);
        out(`Exported "${exported.title}" as ${format} to ${file} (${exported.body.length} bytes).`);
        return 0;
      }
      if (command !== 'import') {
        err(USAGE);
        return 1;
      }
      const id = await c.courseImport.stageCourseImport({ contextId, filename: file as string, format: format as CourseFormat | undefined, source: fs.createReadStream(file as string) });
      const staged = await c.courseImport.getCourseImport({ contextId, id });
      for (const r of staged.report.filter((x) => x.status === 'skipped')) out(`skipped #${r.n} ${r.name}: ${r.reason ? render(t, r.reason) : ''}`);
      const run = await c.courseImport.startCourseImport({ contextId, id, mode: replace ? 'replace' : 'add' });
      const s = await run.done;
      const skipped = staged.report.filter((x) => x.status === 'skipped').length;
      out(
        `Imported ${staged.report.length - skipped} question(s) into ${staged.draft?.objectives.length ?? 0} objective(s), ${skipped} skipped: ` +
          `items ${s.items.created} new, ${s.items.updated} updated, ${s.items.deactivated} hidden; objectives ${s.objectives.created} new, ${s.objectives.updated} updated.`,
      );
      return 0;
    },
    (e) => (e instanceof AppError ? `${e.code}${(e.details as { reason?: string } | undefined)?.reason ? ` (${(e.details as { reason: string }).reason})` : ''}: ${e.said ? render(t, e.said) : e.message}` : `course ${command} failed: ${(e as Error).message}`),
  );
}

if (isEntryPoint(import.meta.filename)) process.exit(await runCourseCli(process.argv.slice(2), process.env));
