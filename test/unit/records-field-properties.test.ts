import { expect } from 'chai';
import { definitionOf, formOf as form, templateErrorsOf as errorsOf } from '../helpers/record-templates.ts';

describe('parseTemplateDefinition() options', () => {
  it('parseTemplateDefinition() requires options on choice and multichoice fields', () => {
    expect(errorsOf(form({ key: 'a', type: 'choice', label: 'A' }))).to.deep.equal({ 'fields[0].options': 'is required: a choice field lists the options to choose from' });
    expect(errorsOf(form({ key: 'a', type: 'multichoice', label: 'A', options: [] }))).to.deep.equal({ 'fields[0].options': 'must list from 1 to 100 options (this one has 0)' });
    expect(errorsOf(form({ key: 'a', type: 'choice', label: 'A', options: 'a,b' }))).to.have.key('fields[0].options');
  });

  it('parseTemplateDefinition() accepts 100 options and refuses 101', () => {
    const options = Array.from({ length: 101 }, (_, index) => `o${index}`);
    expect(definitionOf(form({ key: 'a', type: 'choice', label: 'A', options: options.slice(0, 100) })).fields[0]!.options).to.have.length(100);
    expect(errorsOf(form({ key: 'a', type: 'choice', label: 'A', options }))).to.deep.equal({ 'fields[0].options': 'must list from 1 to 100 options (this one has 101)' });
  });

  it('parseTemplateDefinition() refuses duplicate option values, empty ones and unknown option properties', () => {
    const errors = errorsOf(form({ key: 'a', type: 'choice', label: 'A', options: ['x', ' x ', { value: 'x', label: 'X' }, '', { label: 'L' }, { value: 'y', colour: 1 }, 7] }));
    expect(errors).to.deep.equal({
      'fields[0].options[1]': 'is already used by options[0]',
      'fields[0].options[2].value': 'is already used by options[0]',
      'fields[0].options[3]': 'is required',
      'fields[0].options[4].value': 'is required',
      'fields[0].options[5].colour': 'is not an option property',
      'fields[0].options[6]': 'must be a text or an object { value, label }',
    });
  });
});

describe('parseTemplateDefinition() min, max and accept', () => {
  it('parseTemplateDefinition() refuses min greater than max at max', () => {
    expect(errorsOf(form({ key: 'a', type: 'number', label: 'A', min: 5, max: 1 }))).to.deep.equal({ 'fields[0].max': 'must be at least min (5)' });
    expect(errorsOf(form({ key: 'a', type: 'photo', label: 'A', min: 3, max: 2 }))).to.deep.equal({ 'fields[0].max': 'must be at least min (3)' });
    expect(definitionOf(form({ key: 'a', type: 'number', label: 'A', min: 5, max: 5 })).fields[0]).to.include({ min: 5, max: 5 });
  });

  it('parseTemplateDefinition() refuses bounds that are not numbers, and counts that are not whole', () => {
    expect(errorsOf(form({ key: 'a', type: 'number', label: 'A', min: '1' }))).to.deep.equal({ 'fields[0].min': 'must be a number' });
    const group = { key: 'g', type: 'group', label: 'G', fields: [{ key: 'a', type: 'text', label: 'A' }] };
    expect(errorsOf(form({ ...group, min: 1.5, max: 0 }))).to.deep.equal({ 'fields[0].min': 'must be a whole number of 0 or more', 'fields[0].max': 'must be a whole number of 1 or more' });
    expect(errorsOf(form({ key: 'p', type: 'photo', label: 'P', min: -1 }))).to.deep.equal({ 'fields[0].min': 'must be a whole number of 0 or more' });
  });

  it('parseTemplateDefinition() refuses more than one file on a field whose multiple is false', () => {
    expect(errorsOf(form({ key: 'p', type: 'photo', label: 'P', multiple: false, max: 2 }))).to.deep.equal({ 'fields[0].max': 'must be 1 when multiple is false' });
    expect(errorsOf(form({ key: 'p', type: 'file', label: 'P', multiple: false, min: 2 }))).to.deep.equal({ 'fields[0].min': 'must be at most 1 when multiple is false' });
    expect(errorsOf(form({ key: 'p', type: 'file', label: 'P', min: 21 }))).to.have.key('fields[0].min');
  });

  it('parseTemplateDefinition() refuses an accept list that is empty or holds something other than MIME types', () => {
    expect(errorsOf(form({ key: 'f', type: 'file', label: 'F', accept: [] }))).to.have.key('fields[0].accept');
    expect(errorsOf(form({ key: 'f', type: 'file', label: 'F', accept: 'application/pdf' }))).to.have.key('fields[0].accept');
    expect(errorsOf(form({ key: 'f', type: 'file', label: 'F', accept: ['application/pdf', '.pdf', 'image/', 3] }))).to.deep.equal({
      'fields[0].accept[1]': 'must be a MIME type such as "application/pdf" or "image/*"',
      'fields[0].accept[2]': 'must be a MIME type such as "application/pdf" or "image/*"',
      'fields[0].accept[3]': 'must be a MIME type such as "application/pdf" or "image/*"',
    });
  });
});

describe('parseTemplateDefinition() defaults', () => {
  it('parseTemplateDefinition() refuses a default that is not a valid value of its field', () => {
    expect(errorsOf(form({ key: 'a', type: 'number', label: 'A', max: 10, default: 11 }))).to.deep.equal({ 'fields[0].default': 'must be at most 10' });
    expect(errorsOf(form({ key: 'a', type: 'choice', label: 'A', options: ['x', 'y'], default: 'z' }))).to.deep.equal({ 'fields[0].default': 'must be one of: x, y' });
    expect(errorsOf(form({ key: 'a', type: 'date', label: 'A', default: '2023-02-29' }))).to.have.key('fields[0].default');
    expect(errorsOf(form({ key: 'a', type: 'checkbox', label: 'A', default: 'yes' }))).to.deep.equal({ 'fields[0].default': 'must be true or false' });
    expect(errorsOf(form({ key: 'a', type: 'score', label: 'A', default: 'n/a' }))).to.have.key('fields[0].default');
  });

  it('parseTemplateDefinition() leaves out a default that is empty, but keeps a score default of null', () => {
    expect(definitionOf(form({ key: 'a', type: 'text', label: 'A', default: '  ' })).fields[0]).not.to.have.property('default');
    expect(definitionOf(form({ key: 'a', type: 'number', label: 'A', default: null })).fields[0]).not.to.have.property('default');
    expect(definitionOf(form({ key: 'a', type: 'score', label: 'A', default: null })).fields[0]).to.have.property('default', null);
  });

  it('parseTemplateDefinition() does not judge a default against options that are themselves wrong', () => {
    expect(errorsOf(form({ key: 'a', type: 'choice', label: 'A', options: [], default: 'x' }))).to.have.all.keys('fields[0].options');
  });
});
