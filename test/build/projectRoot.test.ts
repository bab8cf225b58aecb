import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, findProjectRoot, projectPath } from '../../src/projectRoot.js';

describe('the project root (views, public, seed and package.json are read from it)', () => {
  it('is the same from source, from dist/ and from the image layout', () => {
    expect(findProjectRoot(path.join(PROJECT_ROOT, 'src', 'web'))).toBe(PROJECT_ROOT);
    expect(findProjectRoot(path.join(PROJECT_ROOT, 'dist', 'src', 'web'))).toBe(PROJECT_ROOT);
    const image = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-image-'));
    try {
      fs.mkdirSync(path.join(image, 'dist', 'src', 'store'), { recursive: true });
      fs.copyFileSync(projectPath('package.json'), path.join(image, 'package.json'));
      expect(findProjectRoot(path.join(image, 'dist', 'src', 'store'))).toBe(image);
    } finally {
      fs.rmSync(image, { recursive: true, force: true });
    }
  });

  it('holds the files the tool renders and imports', () => {
    for (const p of ['views/error.ejs', 'public/app.css', 'seed/fractions.json']) expect(fs.existsSync(projectPath(p)), p).toBe(true);
  });

  it('says where it looked when no Masterly package.json is above', () => {
    expect(() => findProjectRoot(os.tmpdir())).toThrow(/package\.json was not found/);
  });
});
