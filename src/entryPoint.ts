import fs from 'node:fs';

/**
 * True when the module at `filename` is the script node was started with, from source (`tsx src/…ts`) or built
 * (`node dist/src/…js`), rather than imported by a test.
 */
export const isEntryPoint = (filename: string): boolean =>
  Boolean(process.argv[1]) && filename === fs.realpathSync(process.argv[1] as string);
