import { AppError, ValidationFailed } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import type { AuthoringRepo, StoredMedia } from './authoringPorts.js';
import type { Clock } from './ports.js';
import { sanitiseSvg } from './sanitiseSvg.js';

/** Largest image accepted (bytes). */
export const MEDIA_MAX_BYTES = 2 * 1024 * 1024;

/** Image types accepted, recognised by their first bytes (never by the name or the browser's claim). */
const SIGNATURES: { type: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  { type: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];
const looksLikeSvg = (b: Buffer) => /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(b.subarray(0, 4096).toString('utf8'));

/**
 * Stores an uploaded image of a course: PNG, JPEG, GIF or WebP as sent, SVG only after the SVG-aware sanitiser
 * (services/sanitiseSvg.ts). Refuses other types (ERR_VALIDATION on `file`) and files over {@link MEDIA_MAX_BYTES}
 * (ERR_UPLOAD_TOO_LARGE); the route stops reading at the limit, so the check here is the second one.
 */
export async function uploadMedia(
  deps: { authoring: AuthoringRepo; clock: Clock; ids: { newId(): string } },
  input: { contextId: string; name: string; bytes: Buffer; truncated?: boolean },
): Promise<StoredMedia> {
  if (input.truncated || input.bytes.length > MEDIA_MAX_BYTES) {
    throw new AppError('ERR_UPLOAD_TOO_LARGE', 'The image is too large.', { said: msg('authoring.media.tooLarge', { max: MEDIA_MAX_BYTES / 1024 / 1024 }) });
  }
  if (input.bytes.length === 0) throw new ValidationFailed('No file was sent.', [{ path: 'file', message: 'empty', said: msg('authoring.media.empty') }]);
  let contentType = SIGNATURES.find((s) => s.test(input.bytes))?.type;
  let bytes = input.bytes;
  if (!contentType && looksLikeSvg(bytes)) {
    const clean = sanitiseSvg(bytes.toString('utf8'));
    if (clean === null) throw new ValidationFailed('The SVG is not well-formed.', [{ path: 'file', message: 'svg', said: msg('authoring.media.badSvg') }]);
    contentType = 'image/svg+xml';
    bytes = Buffer.from(clean, 'utf8');
  }
  if (!contentType) throw new ValidationFailed('Not an accepted image type.', [{ path: 'file', message: 'type', said: msg('authoring.media.type') }]);
  const media: StoredMedia = {
    id: deps.ids.newId(),
    contextId: input.contextId,
    name: input.name.replace(/[^\p{L}\p{N} ._-]/gu, '').slice(0, 100) || 'image',
    contentType,
    bytes,
    createdAt: deps.clock.now(),
  };
  await deps.authoring.putMedia(media);
  return media;
}
