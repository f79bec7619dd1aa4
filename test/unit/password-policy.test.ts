import { expect } from 'chai';
import { checkNewPassword } from '../../core/identity/password-policy.ts';

describe('checkNewPassword()', () => {
  it('accepts 12 to 128 characters without composition rules', () => {
    expect(checkNewPassword('twelve chars')).to.equal(null);
    expect(checkNewPassword('a'.repeat(128))).to.equal(null);
    expect(checkNewPassword('all lower case words only')).to.equal(null);
  });

  it('refuses 11 characters and 129, saying how long it must be', () => {
    expect(checkNewPassword('elevenchars')).to.match(/^must be at least 12 characters long \(this one has 11\)/);
    expect(checkNewPassword('a'.repeat(129))).to.equal('must be at most 128 characters long');
  });

  it('counts characters, not UTF-16 units: 11 emoji are too short, 12 are enough', () => {
    expect(checkNewPassword('🔑'.repeat(11))).to.match(/at least 12/);
    expect(checkNewPassword('🔑'.repeat(12))).to.equal(null);
  });

  it('refuses a password on the shipped common-password list, whatever its case', () => {
    expect(checkNewPassword('password1234')).to.match(/commonly used passwords/);
    expect(checkNewPassword('QWERTY123456')).to.match(/commonly used passwords/);
    expect(checkNewPassword('1qaz2wsx3edc')).to.match(/commonly used passwords/);
  });

  it('refuses the person\'s own email, its local part, or name', () => {
    expect(checkNewPassword('maija.meikalainen@example.com', { email: 'Maija.Meikalainen@example.com' })).to.match(/email address or name/);
    expect(checkNewPassword('maija.meikalainen', { email: 'maija.meikalainen@example.com' })).to.match(/email address or name/);
    expect(checkNewPassword('Maija Meikäläinen', { name: 'maija meikäläinen' })).to.match(/email address or name/);
  });
});
