import { expect } from 'chai';
import { acceptOf, humanSize, placeOf, uploadLimits } from '../../plugins/records/pages/file-facts.ts';
import { bytesOfSize } from '../../plugins/records/services/streamed-form.ts';
import { fieldsOf } from '../helpers/record-templates.ts';

describe('file facts for people', () => {
  it('humanSize() counts in steps of 1024 with one decimal below 10', () => {
    expect([0, 1, 812, 1024, 2.4 * 1024 * 1024, 8 * 1024 * 1024, 12.6 * 1024 * 1024, 209_715_200, 3 * 1024 ** 3].map((n) => humanSize(Math.round(n))))
      .to.deep.equal(['0 bytes', '1 byte', '812 bytes', '1.0 KB', '2.4 MB', '8.0 MB', '13 MB', '200 MB', '3.0 GB']);
  });

  it('uploadLimits() and acceptOf() say what a photo or file field takes', () => {
    const [photos, cover, papers, any] = fieldsOf(
      { key: 'photos', type: 'photo', label: 'Photos', max: 5 }, { key: 'cover', type: 'photo', label: 'Cover', multiple: false },
      { key: 'papers', type: 'file', label: 'Papers', accept: ['application/pdf', 'image/*'] }, { key: 'any', type: 'file', label: 'Any' },
    );
    expect(uploadLimits(photos!, 209_715_200)).to.equal('Up to 5 photos, each at most 200 MB.');
    expect(uploadLimits(cover!, 10 * 1024 * 1024)).to.equal('One photo of at most 10 MB; choosing another replaces it.');
    expect(uploadLimits(papers!, 1024 * 1024)).to.equal('Up to 20 files (PDF, images), each at most 1.0 MB.');
    expect([acceptOf(photos!), acceptOf(papers!)]).to.deep.equal(['image/*', 'application/pdf,image/*']);
    expect(acceptOf(any!)).to.contain('application/pdf').and.to.contain('text/plain').and.to.contain('image/*');
  });

  it('placeOf() gives coordinates and a geo: URI, and nothing without both', () => {
    expect(placeOf(60.175, 24.9333333)).to.deep.equal({ text: '60.17500, 24.93333', geo: 'geo:60.175,24.9333333' });
    expect(placeOf(60.1, null)).to.equal(null);
  });

  it('bytesOfSize() reads config sizes as koa-body does', () => {
    expect([bytesOfSize('1mb'), bytesOfSize('512kb'), bytesOfSize(1000), bytesOfSize('1.5 MB')]).to.deep.equal([1_048_576, 524_288, 1000, 1_572_864]);
    expect(() => bytesOfSize('lots')).to.throw(/not a size/);
  });
});
