import { expect } from 'chai';
import { effectiveAccess, grantKey } from '../../core/access/access-rules.ts';
import { higherLevel, levelAtLeast, lowerLevel, type AccessibleObject, type AccessLevel } from '../../core/access/object-access.ts';
import { hasControlCharacters } from '../../core/http/control-characters.ts';
import { ObjectTypeRegistry } from '../../core/access/object-type-registry.ts';

const record: AccessibleObject = {
  type: 'record', id: 'r1', tenantId: 't1', ownerId: 'maija', title: 'Inspection',
  containers: [{ type: 'folder', id: 'week' }, { type: 'folder', id: 'site' }],
};
const grants = (entries: Array<[string, string, AccessLevel]>): Map<string, AccessLevel> => new Map(entries.map(([type, id, level]) => [grantKey(type, id), level]));

describe('access rules', () => {
  it('effectiveAccess() gives admins and managers manage on everything, whatever is shared', () => {
    for (const role of ['admin', 'manager'] as const) expect(effectiveAccess({ userId: 'x', role }, record, new Map())).to.equal('manage');
  });

  it('effectiveAccess() gives a member manage on what they own and the highest share on the object or any container', () => {
    expect(effectiveAccess({ userId: 'maija', role: 'member' }, record, new Map())).to.equal('manage');
    expect(effectiveAccess({ userId: 'pekka', role: 'member' }, record, new Map())).to.equal(null);
    expect(effectiveAccess({ userId: 'pekka', role: 'member' }, record, grants([['folder', 'site', 'view']]))).to.equal('view');
    expect(effectiveAccess({ userId: 'pekka', role: 'member' }, record, grants([['folder', 'site', 'view'], ['folder', 'week', 'edit']]))).to.equal('edit');
    expect(effectiveAccess({ userId: 'pekka', role: 'member' }, record, grants([['record', 'r1', 'manage'], ['folder', 'week', 'view']]))).to.equal('manage');
    expect(effectiveAccess({ userId: 'pekka', role: 'member' }, record, grants([['folder', 'other', 'manage'], ['record', 'r2', 'manage']]))).to.equal(null);
  });

  it('effectiveAccess() caps a viewer at view, and gives a guest exactly what is shared (never ownership)', () => {
    expect(effectiveAccess({ userId: 'v', role: 'viewer' }, record, grants([['folder', 'site', 'manage']]))).to.equal('view');
    expect(effectiveAccess({ userId: 'maija', role: 'viewer' }, record, new Map())).to.equal(null);
    expect(effectiveAccess({ userId: 'maija', role: 'guest' }, record, new Map())).to.equal(null);
    expect(effectiveAccess({ userId: 'g', role: 'guest' }, record, grants([['folder', 'week', 'edit']]))).to.equal('edit');
  });

  it('levels compare and combine as view < edit < manage, null being none', () => {
    expect(levelAtLeast('edit', 'view')).to.equal(true);
    expect(levelAtLeast('view', 'edit')).to.equal(false);
    expect(levelAtLeast(null, 'view')).to.equal(false);
    expect(higherLevel('view', 'manage')).to.equal('manage');
    expect(higherLevel(null, 'edit')).to.equal('edit');
    expect(lowerLevel('manage', 'view')).to.equal('view');
    expect(lowerLevel(null, 'view')).to.equal(null);
  });

  it('ObjectTypeRegistry refuses a type registered twice, naming both owners', () => {
    const registry = new ObjectTypeRegistry([['folder', { owner: 'core', label: 'folder', locate: async () => null }]]);
    expect(() => registry.add('folder', { owner: 'records', label: 'folder', locate: async () => null })).to.throw(/registered twice \(by core and records\)/);
  });

  it('hasControlCharacters() finds C0, DEL, C1 and line separators; messages may keep line breaks', () => {
    for (const bad of ['a\nb', 'a\tb', 'a\u0000', 'a\u007f', 'a\u0085', 'a\u2028b', 'a\u001b[31m']) expect(hasControlCharacters(bad), JSON.stringify(bad)).to.equal(true);
    expect(hasControlCharacters('Työmaa – Helsinki 😀')).to.equal(false);
    expect(hasControlCharacters('line one\r\nline two', { allowNewlines: true })).to.equal(false);
    expect(hasControlCharacters('bell\u0007', { allowNewlines: true })).to.equal(true);
  });
});
