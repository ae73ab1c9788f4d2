/**
 * Configuration mode in a real terminal (tmux): `load set terminal` typed line by line and ended
 * with Ctrl-D, then `?` and TAB at every level of `set security ike` and `set security ipsec`,
 * offering keywords, values and the names that already exist (gateways, policies, proposals,
 * interfaces).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastLine, TmuxSession } from '../helpers/tmux.js';

const PROMPT = 'root@srx5800# ';
const term = new TmuxSession('config');

const SETUP = [
  'set interfaces st0 unit 1 family inet',
  'set security ike proposal P1 dh-group group14',
  'set security ike policy POL proposals P1',
  'set security ike gateway GW1 ike-policy POL',
  'set security ipsec proposal E1 protocol esp',
  'set security ipsec policy IP1 proposals E1',
  'set security ipsec vpn V1 ike gateway GW1',
];

/** `?` after `line`: the completions listed must include every item of `expected`. */
async function helpAt(line: string, expected: RegExp[]): Promise<string> {
  term.type(`${line}?`);
  const text = await term.waitFor(`the completions after '${line}'`, (t) => t.includes(`${PROMPT}${line}?`) && lastLine(t) === `${PROMPT}${line}`.trimEnd());
  const listing = text.slice(text.lastIndexOf(`${PROMPT}${line}?`));
  expect(listing).toContain('Possible completions:');
  for (const re of expected) expect(listing, `${line}? should list ${re}`).toMatch(re);
  term.press('C-u');
  await term.waitForLine('an empty line', PROMPT);
  term.press('C-l');
  return listing;
}

/** TAB after `line` must turn it into `expected`. */
async function tabAt(line: string, expected: string): Promise<void> {
  term.type(line);
  term.press('Tab');
  await term.waitFor(`TAB after '${line}'`, (t) => lastLine(t) === `${PROMPT}${expected}`.trimEnd());
  expect(term.cursorX()).toBe(`${PROMPT}${expected}`.length);
  term.press('C-u');
  await term.waitForLine('an empty line', PROMPT);
}

describe('configuration ? and TAB in a real terminal (tmux)', () => {
  beforeAll(() => term.start([], 160, 60));
  afterAll(() => term.stop());

  it('enters configuration mode and loads statements typed at the terminal until Ctrl-D', async () => {
    await term.waitForLine('the operational prompt', 'root@srx5800> ');
    term.type('configure');
    term.press('Enter');
    await term.waitForLine('the configuration prompt', PROMPT);
    term.type('load set terminal');
    term.press('Enter');
    await term.waitFor('the load banner', (t) => t.includes('[Type ^D at a new line to end input]'));
    for (const l of SETUP) {
      term.type(l);
      term.press('Enter');
    }
    term.press('C-d');
    const text = await term.waitFor('load to finish', (t) => t.includes('load complete') && lastLine(t) === PROMPT.trimEnd());
    expect(text).toContain('set security ipsec vpn V1 ike gateway GW1');
    term.press('C-l');
  }, 30_000);

  it('? at every level of set security ike', async () => {
    await helpAt('set security ike ', [/^> gateway +\S/m, /^> policy +\S/m, /^> proposal +\S/m]);
    await helpAt('set security ike gateway ', [/^ {2}<name> /m, /^ {2}GW1\s*$/m]);
    await helpAt('set security ike gateway GW1 ', [/^ {2}ike-policy +\S/m, /^\+ address +\S/m, /^> dead-peer-detection +\S/m, /^ {2}external-interface +\S/m, /^ {2}version +\S/m]);
    await helpAt('set security ike gateway GW1 ike-policy ', [/^ {2}POL\s*$/m]);
    await helpAt('set security ike gateway GW1 version ', [/^ {2}v1-only\b/m, /^ {2}v2-only\b/m]);
    await helpAt('set security ike gateway GW1 external-interface ', [/^ {2}st0\.1\s*$/m]);
    await helpAt('set security ike gateway GW1 dead-peer-detection ', [/^ {2}interval +\S/m, /^ {2}threshold +\S/m]);
    await helpAt('set security ike policy ', [/^ {2}POL\s*$/m]);
    await helpAt('set security ike policy POL ', [/^\+ proposals +\S/m, /^> pre-shared-key +\S/m]);
    await helpAt('set security ike policy POL proposals ', [/^ {2}P1\s*$/m]);
    await helpAt('set security ike proposal P1 ', [/^ {2}authentication-method +\S/m, /^ {2}dh-group +\S/m, /^ {2}encryption-algorithm +\S/m]);
    await helpAt('set security ike proposal P1 dh-group ', [/^ {2}group14\b/m, /^ {2}group19\b/m]);
  }, 60_000);

  it('? at every level of set security ipsec', async () => {
    await helpAt('set security ipsec ', [/^> policy +\S/m, /^> proposal +\S/m, /^> vpn +\S/m]);
    await helpAt('set security ipsec vpn ', [/^ {2}V1\s*$/m]);
    await helpAt('set security ipsec vpn V1 ', [/^ {2}bind-interface +\S/m, /^> ike +\S/m, /^ {2}establish-tunnels +\S/m]);
    await helpAt('set security ipsec vpn V1 bind-interface ', [/^ {2}st0\.1\s*$/m]);
    await helpAt('set security ipsec vpn V1 ike ', [/^ {2}gateway +\S/m, /^ {2}ipsec-policy +\S/m, /^ {2}anti-replay-window-size +\S/m, /^ {2}no-anti-replay +\S/m]);
    await helpAt('set security ipsec vpn V1 ike gateway ', [/^ {2}GW1\s*$/m]);
    await helpAt('set security ipsec vpn V1 ike ipsec-policy ', [/^ {2}IP1\s*$/m]);
    await helpAt('set security ipsec policy IP1 proposals ', [/^ {2}E1\s*$/m]);
    await helpAt('set security ipsec proposal E1 ', [/^ {2}encryption-algorithm +\S/m, /^ {2}protocol +\S/m]);
    await helpAt('set security ipsec proposal E1 encryption-algorithm ', [/^ {2}aes-128-gcm\b/m, /^ {2}aes-256-cbc\b/m]);
  }, 60_000);

  it('TAB completes keywords and existing names', async () => {
    await tabAt('set sec', 'set security ');
    await tabAt('set security ik', 'set security ike ');
    await tabAt('set security ike gateway G', 'set security ike gateway GW1 ');
    await tabAt('set security ike gateway GW1 ike-p', 'set security ike gateway GW1 ike-policy ');
    await tabAt('set security ike gateway GW1 ike-policy P', 'set security ike gateway GW1 ike-policy POL ');
    await tabAt('set security ipsec vpn V1 ike gate', 'set security ipsec vpn V1 ike gateway ');
    await tabAt('set security ipsec vpn V1 ike gateway G', 'set security ipsec vpn V1 ike gateway GW1 ');
    await tabAt('set security ipsec vpn V1 bind-interface s', 'set security ipsec vpn V1 bind-interface st0.1 ');
  }, 60_000);
});
