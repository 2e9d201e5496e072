/**
 * The voting booth page, /plebiscites/<id>/booth/ (docs/plebiscite-spec.md §14): it fetches the
 * parameters, recomputes their hash and shows exactly the question and options hashed; reads
 * the private credential and checks it is on the list; encrypts the chosen option in the page;
 * then casts the ballot, or audits it (§10) and encrypts again. Only a ballot, or an audit's
 * reveal, ever leaves the page: the credential and the ballot's seed never do.
 */

import { auditReveal } from './audit.js';
import { encryptBallot } from './ballot.js';
import { toBase64, toHex } from './bytes.js';
import { CredentialError, readCredential } from './credential.js';
import { readElection } from './parameters.js';
import { freshSeed } from './randomness.js';
import { fetchParameters, post } from './server.js';

const part = (name) => document.getElementById(`booth-${name}`);

/** Text in its own `<bdi>`, so a right-to-left text keeps its direction (and never HTML). */
function isolated(text) {
  const bdi = document.createElement('bdi');
  bdi.textContent = text;
  return bdi;
}

function say(text) {
  part('status').textContent = text;
}

function complain(text) {
  part('problem').textContent = text;
}

function showSection(section) {
  section.hidden = false;
  section.querySelector('h2').focus();
}

/**
 * Shows the question of the parameters, marked with the language it is written in and that
 * language's direction (which the page gives: `data-question-language`, `-direction`), so that
 * it is read and laid out as that language; then the options, as radio buttons.
 */
function showElection(election, { questionLanguage, questionDirection }) {
  part('hash').textContent = toHex(election.hash);
  const question = part('question');
  Object.assign(question, { lang: questionLanguage, dir: questionDirection });
  question.replaceChildren(isolated(election.parameters.question));
  part('options').replaceChildren(...election.parameters.options.map((option, number) => {
    const label = document.createElement('label');
    const radio = Object.assign(document.createElement('input'), {
      type: 'radio', name: 'choice', value: String(number), required: true,
    });
    label.append(radio, ' ', isolated(option.label));
    return label;
  }));
}

/** The booth once the parameters are checked: the voter's steps, one handler each. */
class Booth {
  constructor(root, election) {
    this.urls = root.dataset;
    this.election = election;
    this.form = part('vote');
    this.credentialInput = part('credential');
    this.pending = null; // {credential, ballot}: encrypted, neither cast nor audited yet
  }

  listen() {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.encrypt();
    });
    part('cast').addEventListener('click', () => this.send(() => this.cast()));
    part('audit').addEventListener('click', () => this.send(() => this.audit()));
    part('change').addEventListener('click', () => this.discard());
  }

  encrypt() {
    complain('');
    this.credentialError('');
    let credential;
    try {
      credential = readCredential(this.credentialInput.value, this.election);
    } catch (error) {
      if (!(error instanceof CredentialError)) throw error;
      this.credentialError(error.message);
      this.credentialInput.focus();
      return;
    }
    const choice = Number(new FormData(this.form).get('choice'));
    this.pending = { credential, ballot: this.encryptFresh(credential, choice) };
    this.lockForm(true);
    showSection(part('encrypted'));
  }

  encryptFresh(credential, choice) {
    const ballot = encryptBallot(this.election, credential, choice, freshSeed());
    part('tracker').textContent = ballot.tracker.text;
    return ballot;
  }

  async cast() {
    const { credential, ballot } = this.pending;
    const answer = await post(this.urls.ballots, { ballot: toBase64(ballot.bytes) });
    if (answer.tracker !== ballot.tracker.hex) {
      throw new Error('the server answered with another tracker than this ballot\'s');
    }
    this.pending = null;
    this.credentialInput.value = '';
    this.form.hidden = true;
    part('encrypted').hidden = true;
    part('cast-tracker').textContent = ballot.tracker.text;
    // The board's ballots under this credential (spec §15): every one should be the voter's.
    const mine = `credential=${toHex(credential.public)}`;
    part('board-link').href = `${this.urls.board}?${mine}#t-${ballot.tracker.hex}`;
    say('');
    showSection(part('done'));
  }

  async audit() {
    const { credential, ballot } = this.pending;
    const answer = await post(this.urls.audits, auditReveal(ballot));
    const item = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = ballot.tracker.text;
    item.append(code, ` (audit ${answer.position})`);
    part('audited').append(item);
    part('audited-list').hidden = false;
    this.pending.ballot = this.encryptFresh(credential, ballot.choice);
    say('The audited ballot is published. Your vote is encrypted again, with a new tracker.');
  }

  discard() {
    this.pending = null;
    part('encrypted').hidden = true;
    this.lockForm(false);
    this.form.querySelector('input[name="choice"]:checked')?.focus();
  }

  /** Runs a request with the buttons disabled, and says why it failed if it did. */
  async send(request) {
    const buttons = part('encrypted').querySelectorAll('button');
    buttons.forEach((button) => { button.disabled = true; });
    complain('');
    say('Sending…');
    try {
      await request();
    } catch (error) {
      say('');
      complain(`That did not go through: ${error.message}`);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  }

  credentialError(text) {
    part('credential-error').textContent = text;
    if (text) this.credentialInput.setAttribute('aria-invalid', 'true');
    else this.credentialInput.removeAttribute('aria-invalid');
  }

  lockForm(locked) {
    for (const control of this.form.elements) control.disabled = locked;
  }
}

async function start(root) {
  part('needs-script').hidden = true;
  root.hidden = false;
  say('Checking the election parameters…');
  let election;
  try {
    election = readElection(await fetchParameters(root.dataset.parameters));
    if (toHex(election.hash) !== root.dataset.electionHash) {
      throw new Error('their hash is not the election hash this site publishes');
    }
  } catch (error) {
    say('');
    complain(`This booth cannot take your vote: the election parameters do not check (${
      error.message}).`);
    return;
  }
  showElection(election, root.dataset);
  new Booth(root, election).listen();
  part('vote').hidden = false;
  say('');
}

const root = document.getElementById('booth');
if (root) start(root);
