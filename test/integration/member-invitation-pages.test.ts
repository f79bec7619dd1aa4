import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import { buildAccessWorld, requestAs, tenantOfItsOwn, type Actor, type AccessWorld } from '../helpers/access-world.ts';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

/** The invite link shown on the members page after inviting (its path), or undefined. */
const shownInviteLink = (html: string): string | undefined => /id="invite-link" type="text" value="https?:\/\/[^/"]+(\/invite\/[A-Za-z0-9_-]{43})"/.exec(html)?.[1];

/** The visible text of a page's main part: no tags, no attributes (so no ISO times in datetime="..."). */
const visibleText = (html: string): string => (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

forEachDatabase('the member invitation pages', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let thirdAdmin: Actor;

  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    thirdAdmin = await tenantOfItsOwn(app, { slug: 'kolmas', name: 'Kolmas Oy', adminEmail: 'third-admin@example.com', adminName: 'Terttu Third' });
  });
  afterEach(async () => app?.close());

  /** Invites from the members page as kolmas's admin and returns the page and the link it showed. */
  const inviteOnPage = async (fields: Record<string, string>): Promise<{ html: string; link: string }> => {
    const res = await requestAs(app, thirdAdmin, 'post', '/t/kolmas/admin/members').type('form').send(form({ _csrf: thirdAdmin.csrf!, role: 'member', password: '', ...fields })).expect(200);
    const link = shownInviteLink(res.text);
    expect(link, 'the invite link is shown once').to.be.a('string');
    return { html: res.text, link: link! };
  };

  it('the members page lists waiting invitations alike, with readable dates and only what the admin typed, and withdraws one or makes a new link', async () => {
    const existing = await inviteOnPage({ name: 'Typed For Member', email: 'member@example.com', role: 'viewer' });
    expect(existing.html).to.contain('Typed For Member is invited as viewer.').and.to.contain('Send this link to Typed For Member (member@example.com) yourself');
    const fresh = await inviteOnPage({ name: 'Typed For New', email: 'new@example.com', role: 'viewer' });
    // The two answers read the same but for what the admin typed (the link itself is in the field's value).
    const card = (html: string, name: string, email: string): string => visibleText(/<div class="card invite-reveal"[\s\S]*?<\/div>\s*<\/div>/.exec(html)![0])
      .replaceAll(name, 'NAME').replaceAll(email, 'EMAIL');
    expect(card(existing.html, 'Typed For Member', 'member@example.com')).to.contain('Send this link to NAME (EMAIL) yourself')
      .and.to.equal(card(fresh.html, 'Typed For New', 'new@example.com'));
    const page = await requestAs(app, thirdAdmin, 'get', '/t/kolmas/admin/members').expect(200);
    const text = visibleText(page.text);
    expect(text).to.contain('Typed For Member member@example.com Viewer').and.to.contain('Typed For New new@example.com Viewer');
    expect(text, 'the member\'s own name is not shown').not.to.contain(' Member Member ');
    expect(text, 'no raw ISO times').not.to.match(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(page.text, 'the links are shown only once').not.to.contain(existing.link).and.not.to.contain(fresh.link);
    const ids = [...page.text.matchAll(/action="\/t\/kolmas\/admin\/members\/invitations\/([^/"]+)\/withdraw"/g)].map((m) => m[1]!);
    expect(ids).to.have.length(2);
    const withdrawn = await requestAs(app, thirdAdmin, 'post', `/t/kolmas/admin/members/invitations/${ids[0]!}/withdraw`).type('form').send(form({ _csrf: thirdAdmin.csrf! })).expect(200);
    expect(withdrawn.text).to.match(/The invitation of Typed For (Member|New) is withdrawn; its link no longer works\./);
    expect([...withdrawn.text.matchAll(/\/admin\/members\/invitations\/[^/"]+\/withdraw"/g)]).to.have.length(1);
    const renewed = await requestAs(app, thirdAdmin, 'post', `/t/kolmas/admin/members/invitations/${ids[1]!}/link`).type('form').send(form({ _csrf: thirdAdmin.csrf! })).expect(200);
    expect(shownInviteLink(renewed.text)).to.be.a('string').and.not.to.be.oneOf([existing.link, fresh.link]);
  });

  it('the invite page looks the same signed out whether or not the address has an account; signed in as the invitee it accepts, as anyone else it says so', async () => {
    const forMember = await inviteOnPage({ name: 'Same', email: 'member@example.com' });
    const forNew = await inviteOnPage({ name: 'Same', email: 'new@example.com' });
    const signedOut = async (link: string, email: string) => visibleText((await request(app.handler).get(link).expect(200)).text).replaceAll(email, 'EMAIL');
    expect(await signedOut(forMember.link, 'member@example.com')).to.equal(await signedOut(forNew.link, 'new@example.com'));
    const page = await request(app.handler).get(forMember.link).expect(200);
    expect(page.text).to.contain('Terttu Third invites member@example.com to join <strong>Kolmas Oy</strong> as <strong>member</strong>.');
    expect(page.text).to.contain(`href="/login?next=${forMember.link}"`).and.to.contain('New to Kirjuri? Make your account');
    const other = await world.as('viewer', 'get', forMember.link).expect(200);
    expect(other.text).to.contain('You are signed in as viewer@example.com, but this invitation is for member@example.com.');
    const refused = await world.as('viewer', 'post', forMember.link).type('form').send(form({ _csrf: world.actors.viewer.csrf! })).expect(403);
    expect(refused.text).to.contain('This invitation is for member@example.com, but you are signed in as viewer@example.com.');
    // Signed out, the address that has an account is told to sign in first.
    const exists = await request(app.handler).post(forMember.link).type('form').send(form({ name: 'Mallory', password: 'a takeover passphrase' })).expect(409);
    expect(exists.text).to.contain('There is already an account for member@example.com: sign in, then open the invitation link again.');
    const mine = await world.as('member', 'get', forMember.link).expect(200);
    expect(mine.text).to.contain('You are signed in as member@example.com.').and.to.contain('Accept and open Kolmas Oy').and.to.contain('>Decline</button>');
    await world.as('member', 'post', forMember.link).type('form').send(form({ _csrf: world.actors.member.csrf! })).expect(303).expect('Location', '/t/kolmas');
    const after = await world.as('member', 'get', forMember.link).expect(200);
    expect(after.text).to.contain('You are a member of <strong>Kolmas Oy</strong>.');
    const gone = await request(app.handler).get(forMember.link).expect(410);
    expect(gone.text).to.contain('This invitation has been used, has expired or was withdrawn.');
    // Signed out, the address without an account makes it and joins, signed in at once.
    const made = await request(app.handler).post(forNew.link).type('form').send(form({ name: 'New Person', password: 'a new persons passphrase' })).expect(303).expect('Location', '/t/kolmas');
    expect(([] as string[]).concat(made.headers['set-cookie'] ?? []).join()).to.contain('__Host-kirjuri-session=');
  });

  it('an invitation waits on the invitee\'s home page, where they accept it or decline it', async () => {
    await inviteOnPage({ name: 'M', email: 'member@example.com', role: 'viewer' });
    // The member of one tenant is no longer sent straight to it while an invitation waits.
    const home = await world.as('member', 'get', '/').expect(200);
    expect(home.text).to.contain('An invitation for you').and.to.contain('Terttu Third invited you to join <strong>Kolmas Oy</strong> as <strong>viewer</strong>.');
    expect(visibleText(home.text), 'no raw ISO times').not.to.match(/\d{4}-\d\d-\d\dT\d\d:/);
    const id = /action="\/invitations\/([^/"]+)\/accept"/.exec(home.text)?.[1];
    await world.as('member', 'post', `/invitations/${id!}/accept`).type('form').send(form({ _csrf: world.actors.member.csrf! })).expect(303).expect('Location', '/t/kolmas');
    await world.as('member', 'get', '/t/kolmas').expect(200);
    await world.as('member', 'get', '/?choose').expect(200);
    // Declined: the notice goes, and nobody joins.
    await inviteOnPage({ name: 'V', email: 'viewer@example.com' });
    const viewerHome = await world.as('viewer', 'get', '/').expect(200);
    const declineId = /action="\/invitations\/([^/"]+)\/decline"/.exec(viewerHome.text)?.[1];
    await world.as('viewer', 'post', `/invitations/${declineId!}/decline`).type('form').send(form({ _csrf: world.actors.viewer.csrf! })).expect(303).expect('Location', '/?choose');
    await world.as('viewer', 'get', '/').expect(302).expect('Location', '/t/rakennus');
    await world.as('viewer', 'get', '/t/kolmas').set('Accept', 'text/html').expect(404);
  });
});
