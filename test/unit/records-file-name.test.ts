import { expect } from 'chai';
import { attachmentDisposition, displayFileName } from '../../plugins/records/services/file-name.ts';
import { sniffType } from '../../plugins/records/services/sniffed-type.ts';

describe('record file names and types', () => {
  it('displayFileName() keeps the last path segment without control or direction characters, and says "file" when nothing is left', () => {
    expect(displayFileName('../../etc/passwd')).to.equal('passwd');
    expect(displayFileName('C:\\Users\\me\\photo.jpg')).to.equal('photo.jpg');
    expect(displayFileName('a\u0000b\u0007c\nd\u202Eexe.png')).to.equal('abcdexe.png');
    expect(displayFileName('..')).to.equal('file');
    expect(displayFileName(undefined)).to.equal('file');
    expect(displayFileName(`${'x'.repeat(300)}.pdf`)).to.have.length(200).and.match(/\.pdf$/);
  });

  it('attachmentDisposition() gives an ASCII fallback and the UTF-8 name', () => {
    expect(attachmentDisposition('Ä "q".pdf')).to.equal('attachment; filename="_ _q_.pdf"; filename*=UTF-8\'\'%C3%84%20%22q%22.pdf');
  });

  it('sniffType() tells types by their first bytes, never by name, and says what a refused file is', () => {
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).to.deep.equal({ type: { mime: 'image/jpeg', label: 'a JPEG image' } });
    expect(sniffType(Buffer.from('\x00\x00\x00\x18ftypheic', 'latin1'))).to.deep.include({ type: { mime: 'image/heic', label: 'a HEIC image' } });
    expect(sniffType(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'))).to.deep.include({ type: { mime: 'image/webp', label: 'a WebP image' } });
    expect(sniffType(Buffer.from('PK\x03\x04....[Content_Types].xml....word/document.xml', 'latin1'))).to.have.nested.property('type.label', 'a Word document');
    expect(sniffType(Buffer.from('PK\x03\x04plain zip', 'latin1'))).to.have.property('found').that.contains('ZIP archive');
    expect(sniffType(Buffer.from('Hyvää päivää\n'))).to.deep.equal({ type: { mime: 'text/plain', label: 'plain text' } });
    expect(sniffType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02]))).to.deep.equal({ found: 'a Linux program' });
  });
});
