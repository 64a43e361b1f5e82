import { contributedFileChanges, ownerOfFile, revertedPackage, withContributions } from '../../../metadata/index.ts';

const account = { kind: 'entity', id: 'mail.account', name: 'mail_account', label: { en: 'Mail account' }, fields: [] };
const accountV2 = { ...account, fields: [{ id: 'mail.account.host', name: 'host', type: 'string', label: { en: 'Host' } }] };
const own = { 'tessera.json': { kind: 'manifest' }, 'entities/deal.json': { kind: 'entity', id: 'deal' } };

describe('connector metadata merged into the package', () => {
  it('adds a connector’s files under connectors/<id>/ and replaces its earlier ones', () => {
    const first = withContributions({ files: own }, [{ owner: 'mail', files: { 'entities/mail_account.json': account } }]);
    expect(Object.keys(first.files).sort()).toEqual(['connectors/mail/entities/mail_account.json', 'entities/deal.json', 'tessera.json']);
    const upgraded = withContributions(first, [{ owner: 'mail', files: { 'entities/mail_account.json': accountV2 } }]);
    expect(upgraded.files['connectors/mail/entities/mail_account.json']).toEqual(accountV2);
    expect(upgraded.files['entities/deal.json']).toEqual(own['entities/deal.json']);
  });

  it('drops a file a connector no longer declares, and keeps the files of a connector that is gone', () => {
    const applied = withContributions({ files: own }, [
      { owner: 'mail', files: { 'entities/mail_account.json': account, 'entities/mail_folder.json': { kind: 'entity' } } },
      { owner: 'sms', files: { 'entities/sms_account.json': { kind: 'entity' } } },
    ]);
    const next = withContributions(applied, [{ owner: 'mail', files: { 'entities/mail_account.json': account } }]);
    expect(next.files['connectors/mail/entities/mail_folder.json']).toBeUndefined();
    // The sms connector is not installed now: its entity (and so its table and data) stays.
    expect(next.files['connectors/sms/entities/sms_account.json']).toEqual({ kind: 'entity' });
  });

  it('names the owner of a file', () => {
    expect(ownerOfFile('connectors/mail/entities/a.json')).toBe('mail');
    expect(ownerOfFile('entities/connectors.json')).toBeNull();
  });

  it('refuses an analyst’s change to a connector’s file, and accepts it sent back unchanged or left out', () => {
    const contributions = [{ owner: 'mail', files: { 'entities/mail_account.json': accountV2 } }];
    const applied = withContributions({ files: own }, [{ owner: 'mail', files: { 'entities/mail_account.json': account } }]);
    // As applied (read back from the API before the connector was upgraded), as declared now, or absent: fine.
    expect(contributedFileChanges(applied, applied, contributions)).toEqual([]);
    expect(contributedFileChanges(withContributions({ files: own }, contributions), applied, contributions)).toEqual([]);
    expect(contributedFileChanges({ files: own }, applied, contributions)).toEqual([]);
    const edited = { files: { ...own, 'connectors/mail/entities/mail_account.json': { ...account, label: { en: 'Renamed' } } } };
    expect(contributedFileChanges(edited, applied, contributions)).toEqual([
      expect.objectContaining({ code: 'META_CONTRIBUTED_FILE', file: 'connectors/mail/entities/mail_account.json' }),
    ]);
    // A file put under a connector's folder by hand is a change too.
    expect(contributedFileChanges({ files: { ...own, 'connectors/mail/entities/extra.json': {} } }, applied, contributions)).toHaveLength(1);
  });
});

describe('reverting to an earlier version', () => {
  it('takes the version’s own files and the connectors’ files as applied now', () => {
    const target = { files: { ...own, 'entities/old.json': { kind: 'entity', id: 'old' }, 'connectors/mail/entities/mail_account.json': account } };
    const applied = { files: { ...own, 'entities/new.json': { kind: 'entity', id: 'new' }, 'connectors/mail/entities/mail_account.json': accountV2, 'connectors/sms/entities/sms_account.json': { kind: 'entity' } } };
    expect(revertedPackage(target, applied)).toEqual({
      files: { ...own, 'entities/old.json': { kind: 'entity', id: 'old' }, 'connectors/mail/entities/mail_account.json': accountV2, 'connectors/sms/entities/sms_account.json': { kind: 'entity' } },
    });
  });
});
