import { expect } from 'chai';
import { sortErrors } from '../../plugins/records/pages/designer-errors.ts';
import { anchorOf, keyFromLabel, parseFieldPlace, parseListPlace, withList, type Draft } from '../../plugins/records/pages/draft-fields.ts';
import { fieldFromForm, formValuesOf, optionLines } from '../../plugins/records/pages/field-form.ts';
import { changeTree, checkTree } from '../../plugins/records/pages/structure-tree.ts';
import { parseTemplateDefinition } from '../../plugins/records/services/template-definition.ts';
import type { StructureDefinition } from '../../plugins/records/services/structure-definition.ts';

/** A card's whole form with some values, as a browser posts it. */
const form = (values: Record<string, string>): Record<string, string> => ({
  key: '', label: '', type: '', help: '', default: '', options: '', min: '', max: '', unit: '', accept: '', showIfField: '', showIfEquals: '', ...values,
});

describe('the template designer\'s forms', () => {
  it('keyFromLabel() makes a lower-case ASCII key that starts with a letter, fits 40 characters and is not taken', () => {
    expect(keyFromLabel('Märkä tila / Åland', [])).to.equal('marka_tila_aland');
    expect(keyFromLabel('2. kerros', [])).to.equal('field_2_kerros');
    expect(keyFromLabel('!!!', [])).to.equal('field');
    expect(keyFromLabel('Notes', ['notes', 'notes_2'])).to.equal('notes_3');
    const long = keyFromLabel('a'.repeat(60), ['a'.repeat(40)]);
    expect(long).to.equal(`${'a'.repeat(38)}_2`).and.to.have.length(40);
  });

  it('places are written the way the parser names paths, and anything else is not a place', () => {
    expect(parseFieldPlace('fields[3].fields[1]')).to.deep.equal({ root: 'fields', group: 3, index: 1 });
    expect(parseFieldPlace('entryFields[0]')).to.deep.equal({ root: 'entryFields', group: null, index: 0 });
    expect(parseListPlace('fields[2].fields')).to.deep.equal({ root: 'fields', group: 2 });
    for (const text of ['fields', 'fields[1].fields[2].fields[3]', 'rows[0]', 'fields[-1]', '__proto__']) expect(parseFieldPlace(text), text).to.equal(null);
    expect(anchorOf('fields[3].fields[1]')).to.equal('f-fields-3-fields-1');
    const journal: Draft = { name: 'J', kind: 'journal', fields: [] };
    expect(withList(journal, { root: 'entryFields', group: null }, (list) => void list.push({ key: 'a' }))!.entryFields).to.deep.equal([{ key: 'a' }]);
    expect(withList({ ...journal, kind: 'form' }, { root: 'entryFields', group: null }, () => undefined), 'a form has no entry fields').to.equal(null);
  });

  it('fieldFromForm() reads each control as the field\'s type needs, keeping what the parser should refuse', () => {
    const number = fieldFromForm(form({ key: 'h', label: ' Height ', type: 'number', min: '0', max: '2,5', unit: 'm', default: 'tall', required: 'true' }), { key: 'h', type: 'number', label: 'H' }, [], false);
    expect(number).to.deep.equal({ key: 'h', type: 'number', label: 'Height', required: true, default: 'tall', min: 0, max: 2.5, unit: 'm' });
    const choice = fieldFromForm(form({ key: 'c', label: 'C', type: 'choice', options: 'a|Alpha\r\n\r\nBeta\n|Nameless' }), { key: 'c', type: 'choice', label: 'C' }, [], false);
    expect(choice.options).to.deep.equal([{ value: 'a', label: 'Alpha' }, { value: 'Beta', label: 'Beta' }, { value: '', label: 'Nameless' }]);
    expect(optionLines(choice.options)).to.equal('a|Alpha\nBeta\n|Nameless');
    const photo = fieldFromForm(form({ key: 'p', label: 'P', type: 'photo', max: '1' }), { key: 'p', type: 'photo', label: 'P' }, [], true);
    expect(photo).to.deep.equal({ key: 'p', type: 'photo', label: 'P', max: 1, multiple: false });
    const follows = fieldFromForm(form({ key: 'n', label: 'N', type: 'text', showIfField: 'ok', showIfEquals: 'Yes' }), { key: 'n', type: 'text', label: 'N' }, [{ key: 'ok', type: 'checkbox', label: 'OK' }], false);
    expect(follows.showIf).to.deep.equal({ field: 'ok', equals: true });
    expect(formValuesOf(follows)).to.include({ showIfField: 'ok', showIfEquals: 'yes' });
  });

  it('fieldFromForm() on a new type keeps the properties that still apply, drops the default, and leaves a group that holds fields a group', () => {
    const choice = { key: 'c', type: 'choice', label: 'C', options: [{ value: 'a', label: 'A' }], default: 'a' };
    expect(fieldFromForm(form({ key: 'c', label: 'C', type: 'multichoice', options: 'ignored' }), choice, [], false)).to.deep.equal({ key: 'c', type: 'multichoice', label: 'C', options: [{ value: 'a', label: 'A' }] });
    const group = { key: 'g', type: 'group', label: 'G', fields: [{ key: 'x', type: 'text', label: 'X' }] };
    expect(fieldFromForm(form({ key: 'g', label: 'G', type: 'text' }), group, [], false)).to.deep.equal(group);
    expect(fieldFromForm(form({ key: 'g', label: 'G', type: 'group' }), { key: 'g', type: 'text', label: 'G' }, [], true).type, 'no group inside a group').to.equal('text');
  });

  it('sortErrors() puts each parser error beside its control and writes the paths in messages as the page shows them', () => {
    const draft: Draft = { name: 'T', kind: 'form', fields: [
      { key: 'a', type: 'text', label: 'Site' },
      { key: 'a', type: 'choice', label: 'State', options: [{ value: 'x', label: 'X' }, { value: 'x', label: 'Y' }] },
      { key: 'g', type: 'group', label: 'Rows', fields: [{ key: 'n', type: 'number', label: 'N', min: 3, max: 1 }] },
    ] };
    const parsed = parseTemplateDefinition(draft);
    expect(parsed.ok).to.equal(false);
    const sorted = sortErrors(parsed.ok ? {} : parsed.errors, draft);
    expect(sorted.cards.get('fields[1]')).to.deep.equal({ key: 'is already used by field 1 (Site)', options: 'line 2, its value, is already used by line 1' });
    expect(sorted.cards.get('fields[2].fields[0]')).to.deep.equal({ max: 'must be at least min (3)' });
    expect(sorted.general).to.deep.equal({});
    expect(sorted.count).to.equal(3);
  });
});

describe('the folder structure editor\'s tree', () => {
  const structure: StructureDefinition = { name: 'S', folders: [{ name: 'A', records: [], folders: [{ name: 'A1', records: [], folders: [] }] }] };

  it('changeTree() changes a copy at a place, and answers null for a place that is not there', () => {
    const renamed = changeTree(structure, [0, 0], (folder) => void (folder!.name = 'B1'))!;
    expect(renamed.folders[0]!.folders[0]!.name).to.equal('B1');
    expect(structure.folders[0]!.folders[0]!.name, 'the original is left alone').to.equal('A1');
    expect(changeTree(structure, [0, 5], () => undefined)).to.equal(null);
    expect(changeTree(structure, [0], () => false), 'the change itself may refuse').to.equal(null);
  });

  it('checkTree() sorts the schema\'s issues onto the form\'s controls, and says the rest in sentences', () => {
    const twice = changeTree(structure, [], (_folder, top) => void top.push({ name: 'a', records: [{ templateId: 't', title: ' ' }], folders: [] }))!;
    expect(checkTree(twice)).to.deep.equal({ ok: false, errors: { name: 'is used twice at this level: folder names beside each other must differ', title: 'must not be empty' }, others: [] });
    const empty = changeTree(structure, [0], (_folder, top) => void top.splice(0, 1))!;
    expect(checkTree(empty)).to.deep.equal({ ok: false, errors: {}, others: ['The structure must list at least one folder'] });
    expect(checkTree(structure).ok).to.equal(true);
  });
});
