import { expect } from 'chai';
import { describeTokenScopes, scopesBeyond, scopesOfStored, storedScopes } from '../../core/identity/api-token-scopes.ts';

describe('API token scopes', () => {
  it('scopesBeyond() names the requested scopes the making token lacks, and none when it has them all', () => {
    expect(scopesBeyond(['tokens', 'records'], ['tokens'])).to.deep.equal(['records']);
    expect(scopesBeyond(['tokens'], [])).to.deep.equal(['tokens']);
    expect(scopesBeyond([], [])).to.deep.equal([]);
    expect(scopesBeyond(['tokens'], ['tokens'])).to.deep.equal([]);
  });

  it('storedScopes() and scopesOfStored() round-trip without repeats, and a word this version does not know grants nothing', () => {
    expect(storedScopes(['tokens', 'tokens'])).to.equal('tokens');
    expect(storedScopes([])).to.equal('');
    expect(scopesOfStored('tokens')).to.deep.equal(['tokens']);
    expect(scopesOfStored('')).to.deep.equal([]);
    expect(scopesOfStored(null)).to.deep.equal([]);
    expect(scopesOfStored('admin everything')).to.deep.equal([]);
  });

  it('describeTokenScopes() says in words what a token may do, and that it never changes the password', () => {
    expect(describeTokenScopes([])).to.equal('Acts with your rights on records, files and folders; cannot manage tokens or change your password.');
    expect(describeTokenScopes(['tokens'])).to.contain('may list, make and revoke your API tokens').and.to.contain('cannot change your password');
  });
});
