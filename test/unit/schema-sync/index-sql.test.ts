// An index serving a list's sort stores its text columns in the collation the records service sorts
// text in (engine/records/list.ts sortCollation): PostgreSQL hands rows out of an index in the order
// of an ORDER BY … COLLATE x only when the index column has collation x.
import type { PhysicalIndex } from '../../../metadata/index.ts';
import { indexSql } from '../../../engine/schema-sync/sql.ts';

const byPlace: PhysicalIndex = {
  identity: 'e.contractor/index.by_place',
  name: 'ix_0123456789abcdef',
  columns: ['country', 'locality', 'name', 'id'],
  unique: false,
  liveOnly: true,
  sortText: { language: 'pl', columns: ['name'] },
};

test('text sort columns take the business language\'s ICU collation, else the root one, else the database default; filter columns keep theirs', () => {
  expect(indexSql('contractor', byPlace, new Set(['pl-x-icu', 'und-x-icu']))).toBe(
    'CREATE INDEX "ix_0123456789abcdef" ON "public"."contractor" ("country", "locality", "name" COLLATE "pl-x-icu", "id") WHERE deleted_at IS NULL',
  );
  expect(indexSql('contractor', byPlace, new Set(['und-x-icu']))).toContain('"name" COLLATE "und-x-icu", "id")');
  expect(indexSql('contractor', byPlace, new Set())).toContain('("country", "locality", "name", "id")');
});

test('descending sort columns are stored descending', () => {
  const timeline: PhysicalIndex = { identity: 'platform.activity/index.t', name: 'ix_fedcba9876543210', columns: ['contractor', 'created_at', 'id'], unique: false, descending: ['created_at', 'id'] };
  expect(indexSql('activity', timeline)).toBe('CREATE INDEX "ix_fedcba9876543210" ON "public"."activity" ("contractor", "created_at" DESC, "id" DESC)');
});

test('stored columns of a report\'s index follow its key in INCLUDE, over live rows', () => {
  const report: PhysicalIndex = { identity: 'platform.activity/report.r', name: 'ix_00112233445566aa', columns: ['start_at'], unique: false, liveOnly: true, include: ['kind', 'status'] };
  expect(indexSql('activity', report)).toBe('CREATE INDEX "ix_00112233445566aa" ON "public"."activity" ("start_at") INCLUDE ("kind", "status") WHERE deleted_at IS NULL');
});
