// /api/files — uploads for attachment fields. An attachment field holds the uuid of a row in
// tessera.files; the form uploads the file first (raw body, its media type as Content-Type, the
// file name in ?name=) and writes the returned id. Files are served back with headers that keep
// uploaded HTML or SVG from running as this origin's pages.
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { requireScope } from './authenticate.ts';
import { recordContext } from './context.ts';
import { isUuid } from '../../metadata/index.ts';

/** Largest upload; attachment fields may set a smaller maxBytes, which the form checks. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

// Shown in the browser; anything else downloads.
const INLINE = /^(image\/(png|jpeg|gif|webp|avif)|application\/pdf|text\/plain)$/;

interface FileRow {
  id: string;
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  created_at: Date;
  content?: Buffer;
}

const info = (row: FileRow) => ({ id: row.id, name: row.name, mediaType: row.media_type, size: row.size, sha256: row.sha256, createdAt: row.created_at });

function fileName(raw: unknown): string {
  // Control characters and path separators never belong in a download's file name.
  const name = typeof raw === 'string' ? [...raw].filter((c) => c.charCodeAt(0) >= 0x20 && c !== '/' && c !== '\\').join('').trim() : '';
  return name.slice(0, 255) || 'file';
}

export function filesRouter(platform: Platform): Router {
  const router = Router();
  const knex = platform.knex;

  // Tokens upload with the files scope, download with files or read (attachments of records they read).
  router.post('/', requireScope('uploading a file', 'files'));
  router.get('/:id{/info}', requireScope('downloading a file', 'read', 'files'));

  // Mounted before the JSON parser, so a .json upload arrives as bytes like any other file.
  router.post('/', express.raw({ type: () => true, limit: MAX_FILE_BYTES }), async (req, res) => {
    const content = req.body as unknown;
    if (!Buffer.isBuffer(content) || content.length === 0) {
      throw new TesseraError('VALIDATION_FAILED', 'send the file as the request body', { problems: [{ pointer: '', detail: 'must be a non-empty file', code: 'REQUIRED' }] });
    }
    const mediaType = (req.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase().slice(0, 255) || 'application/octet-stream';
    const sha256 = createHash('sha256').update(content).digest('hex');
    const [row] = (await knex('tessera.files')
      .insert({ name: fileName(req.query.name), media_type: mediaType, size: content.length, sha256, content, created_by: recordContext(req).actor.userId })
      .returning(['id', 'name', 'media_type', 'size', 'sha256', 'created_at'])) as FileRow[];
    res.status(201).location(`${req.baseUrl}/${row!.id}`).json(info(row!));
  });

  async function find(id: string, withContent: boolean): Promise<FileRow> {
    const columns = ['id', 'name', 'media_type', 'size', 'sha256', 'created_at', ...(withContent ? ['content'] : [])];
    const row = isUuid(id) ? ((await knex('tessera.files').where({ id }).first(columns)) as FileRow | undefined) : undefined;
    if (!row) throw new TesseraError('NOT_FOUND', `no file ${id}`);
    return row;
  }

  router.get('/:id/info', async (req, res) => {
    res.json(info(await find(req.params.id, false)));
  });

  router.get('/:id', async (req, res) => {
    const row = await find(req.params.id, true);
    const disposition = INLINE.test(row.media_type) ? 'inline' : 'attachment';
    res
      .set({
        'Content-Type': row.media_type,
        'Content-Disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(row.name)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "sandbox; default-src 'none'",
        ETag: `"${row.sha256}"`,
        'Cache-Control': 'private, max-age=31536000, immutable',
      })
      .send(row.content);
  });

  return router;
}
