import { sql, type Selectable } from 'kysely';
import type { AttachmentLimits, AttachmentMediaType, AttachmentMeta, UploaderKind } from '../core/attachments/attachment.types.js';
import type { AttachmentsDeps, AttachmentStore } from '../core/attachments/attachments.ports.js';
import { appendAudit } from './audit.repository.js';
import type { CaseAttachmentTable } from './attachments.schema.js';
import { findCaseRecord } from './case.repository.js';
import type { Db, DbOrTrx } from './database.js';
import { appendWorkItemEvent } from './events.repository.js';

const META_COLUMNS = [
  'id', 'case_id', 'file_name', 'media_type', 'byte_size', 'sha256', 'is_public', 'uploader_kind', 'uploaded_by', 'is_reencoded', 'width', 'height', 'created_at',
] as const;

type MetaRow = Pick<Selectable<CaseAttachmentTable>, (typeof META_COLUMNS)[number]>;

const toMeta = (r: MetaRow): AttachmentMeta => ({
  id: r.id,
  caseId: r.case_id,
  fileName: r.file_name,
  mediaType: r.media_type as AttachmentMediaType,
  byteSize: r.byte_size,
  sha256: r.sha256,
  isPublic: r.is_public,
  uploaderKind: r.uploader_kind as UploaderKind,
  uploadedBy: r.uploaded_by,
  isReencoded: r.is_reencoded,
  width: r.width,
  height: r.height,
  createdAt: r.created_at,
});

export const createAttachmentStore = (trx: DbOrTrx): AttachmentStore => ({
  findCase: (id) => findCaseRecord(trx, { id }),
  lockCase: (id) => findCaseRecord(trx, { id }, { isForUpdate: true }),
  findCaseByTrackingNo: (trackingNo) => findCaseRecord(trx, { trackingNo }),
  lockCaseByTrackingNo: (trackingNo) => findCaseRecord(trx, { trackingNo }, { isForUpdate: true }),
  caseTotals: async (caseId) => {
    const row = await trx
      .selectFrom('case_attachments')
      .select([
        sql<number>`count(*)::int`.as('files'),
        sql<number>`coalesce(sum(byte_size), 0)::bigint::float8`.as('bytes'),
        sql<number>`count(*) FILTER (WHERE uploader_kind = 'requester')::int`.as('requester_files'),
      ])
      .where('case_id', '=', caseId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { files: row.files, bytes: row.bytes, requesterFiles: row.requester_files };
  },
  insertAttachment: async (a) => {
    const row = await trx
      .insertInto('case_attachments')
      .values({
        case_id: a.caseId, file_name: a.fileName, media_type: a.mediaType, byte_size: a.byteSize, sha256: a.sha256, original_sha256: a.originalSha256,
        is_public: a.isPublic, uploader_kind: a.uploaderKind, uploaded_by: a.uploadedBy, is_reencoded: a.isReencoded, width: a.width, height: a.height,
        content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength), created_at: a.at,
      })
      .returning(META_COLUMNS)
      .executeTakeFirstOrThrow();
    return toMeta(row);
  },
  listAttachments: async (caseId, { isPublicOnly }) => {
    let query = trx.selectFrom('case_attachments').select(META_COLUMNS).where('case_id', '=', caseId).where('deleted_at', 'is', null);
    if (isPublicOnly) query = query.where('is_public', '=', true);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toMeta);
  },
  findAttachment: async (caseId, id) => {
    const row = await trx
      .selectFrom('case_attachments')
      .select(META_COLUMNS)
      .where('case_id', '=', caseId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? toMeta(row) : null;
  },
  readContent: async (id) => {
    const row = await trx.selectFrom('case_attachments').select('content').where('id', '=', id).executeTakeFirst();
    return row?.content ? new Uint8Array(row.content) : null;
  },
  removeAttachment: async (id, { by, at }) => {
    await trx.updateTable('case_attachments').set({ content: null, deleted_at: at, deleted_by: by }).where('id', '=', id).execute();
  },
  appendEvent: (itemKind, itemId, e) => appendWorkItemEvent(trx, itemKind, itemId, e),
  audit: (e) => appendAudit(trx, { ...e, subjectKind: 'case_attachments' }),
});

export const createAttachmentsDeps = (db: Db, now: () => Date, limits: AttachmentLimits, reencode: AttachmentsDeps['reencode']): AttachmentsDeps => ({
  transaction: (fn) => db.transaction().execute((trx) => fn(createAttachmentStore(trx))),
  now,
  limits,
  reencode,
});
