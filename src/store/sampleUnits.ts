import fs from 'node:fs/promises';
import path from 'node:path';
import type { SampleUnit, SampleUnits } from '../services/courseSetupPorts.js';
import { projectPath } from '../projectRoot.js';

/** The sample units shipped in seed/ (in this order first; any other `masterly-course/1` file there after them). */
const ORDER = ['fractions', 'statistics', 'forces-motion'];

/**
 * The sample units in a folder (seed/ by default): every `*.json` file holding a `masterly-course/1` course, read
 * once and kept (they ship with the release and never change while it runs).
 */
export function sampleUnits(dir: string = projectPath('seed')): SampleUnits {
  let loaded: Promise<Map<string, { unit: SampleUnit; file: unknown }>> | undefined;
  const load = async () => {
    const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
    names.sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
    const units = new Map<string, { unit: SampleUnit; file: unknown }>();
    for (const id of names) {
      const file = JSON.parse(await fs.readFile(path.join(dir, `${id}.json`), 'utf8')) as {
        format?: unknown;
        course?: { title?: string; description?: string };
        objectives?: unknown[];
        items?: unknown[];
      };
      if (file.format !== 'masterly-course/1') continue;
      const unit = {
        id,
        title: file.course?.title ?? id,
        description: file.course?.description ?? '',
        objectives: file.objectives?.length ?? 0,
        items: file.items?.length ?? 0,
      };
      units.set(id, { unit, file });
    }
    return units;
  };
  const units = () => {
    loaded ??= load().catch((err: unknown) => {
      loaded = undefined;
      throw err;
    });
    return loaded;
  };
  return {
    list: async () => [...(await units()).values()].map((u) => u.unit),
    read: async (id) => (await units()).get(id)?.file,
  };
}
