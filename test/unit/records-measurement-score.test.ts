import { expect } from 'chai';
import { measurementScore } from '../../plugins/records/services/measurement-score.ts';
import type { TemplateField } from '../../plugins/records/services/template-definition.ts';

const score = (key: string): TemplateField => ({ key, type: 'score', label: key });
const fields: TemplateField[] = [
  { key: 'area', type: 'heading', label: 'Area' },
  score('a'), score('b'), score('c'), score('d'),
  { key: 'note', type: 'text', label: 'Note' },
  { key: 'rounds', type: 'group', label: 'Rounds', fields: [score('x'), { key: 'why', type: 'text', label: 'Why' }] },
];

describe('measurementScore()', () => {
  it('measurementScore() counts in order, not in order and not applicable, in group rows too', () => {
    const data = { a: true, b: false, c: null, d: true, note: 'x', rounds: [{ x: true }, { x: false }, { x: null }, {}] };
    expect(measurementScore(fields, data)).to.deep.equal({ inOrder: 3, notInOrder: 2, notApplicable: 2, percent: 60 });
  });

  it('measurementScore() leaves out items hidden by their condition, however they were answered before', () => {
    const conditional: TemplateField[] = [
      { key: 'scaffolds', type: 'checkbox', label: 'Scaffolds on site' },
      { key: 'scaffold_ok', type: 'score', label: 'Scaffolds in order', showIf: { field: 'scaffolds', equals: true } },
      score('tidy'),
    ];
    expect(measurementScore(conditional, { scaffolds: true, scaffold_ok: false, tidy: true })).to.deep.equal({ inOrder: 1, notInOrder: 1, notApplicable: 0, percent: 50 });
    expect(measurementScore(conditional, { scaffolds: false, scaffold_ok: false, tidy: true })).to.deep.equal({ inOrder: 1, notInOrder: 0, notApplicable: 0, percent: 100 });
  });

  it('measurementScore() rounds the percentage to one decimal', () => {
    expect(measurementScore(fields, { a: true, b: true, c: false }).percent).to.equal(66.7);
    expect(measurementScore(fields, { a: true, b: false, c: false }).percent).to.equal(33.3);
    const eight = Array.from({ length: 8 }, (_, index) => ({ x: index === 0 }));
    expect(measurementScore(fields, { rounds: eight }).percent).to.equal(12.5);
    expect(measurementScore(fields, { a: true }).percent).to.equal(100);
    expect(measurementScore(fields, { a: false }).percent).to.equal(0);
  });

  it('measurementScore() gives a null percentage when no item is in order or not in order', () => {
    expect(measurementScore(fields, {})).to.deep.equal({ inOrder: 0, notInOrder: 0, notApplicable: 0, percent: null });
    expect(measurementScore(fields, { a: null, b: null })).to.deep.equal({ inOrder: 0, notInOrder: 0, notApplicable: 2, percent: null });
  });

  it('measurementScore() counts absent items and values that are not scores as nothing', () => {
    expect(measurementScore(fields, { a: 'yes', b: 1, rounds: 'many', note: true })).to.deep.equal({ inOrder: 0, notInOrder: 0, notApplicable: 0, percent: null });
    expect(measurementScore(fields, { rounds: [null, 'row', { x: true }] }).inOrder).to.equal(1);
  });

  it('measurementScore() reads only the data\'s own keys', () => {
    const odd: TemplateField[] = [score('constructor'), score('tostring')];
    expect(measurementScore(odd, {})).to.deep.equal({ inOrder: 0, notInOrder: 0, notApplicable: 0, percent: null });
  });
});
