// The runs of `parity-lstm certify` and `verify` (their options and help are in certify.ts). Each returns the exit
// code: 0 certified / accepted, 1 refuted, unknown or rejected.

import { ParityError } from '../core/errors.js';
import { bits } from '../core/format.js';
import { certify } from '../certify/certify.js';
import { verify } from '../certify/verify.js';
import { checkWritable, readTextFile, writeFileAtomic } from '../node/files.js';
import { loadModel } from './load.js';

const say = (line: string): void => {
  process.stdout.write(line + '\n');
};

export async function certifyCommand(o: { model: string; out?: string; json?: boolean }): Promise<number> {
  // Before the proof's seconds: a certificate that could not be written would be lost.
  if (o.out) checkWritable(o.out, 'certificate file');
  const model = await loadModel(o.model);
  const r = certify(model);
  if (r.verdict === 'certified' && o.out) writeFileAtomic(o.out, JSON.stringify(r.certificate) + '\n', 'certificate file');
  const ms = Math.round(r.ms);
  if (o.json) {
    const out: Record<string, unknown> = { verdict: r.verdict, counterexample: null, ms };
    if (r.verdict === 'refuted') out.counterexample = r.counterexample;
    if (r.verdict === 'certified') {
      const c = r.certificate;
      Object.assign(out, { certificate: o.out ?? null, regions: c.regions.length, suffixLength: c.suffixLength, stepsPerCheck: c.stepsPerCheck, depth: c.depth, margins: c.margins });
    }
    if (r.verdict === 'unknown') Object.assign(out, { reason: r.reason, attempts: r.attempts });
    say(JSON.stringify(out));
  } else if (r.verdict === 'refuted') {
    const cx = r.counterexample;
    say(`refuted: the model answers ${cx.answer} on ${bits(cx.bits, 80)}, whose parity is ${cx.parity} (logit ${cx.logit.toPrecision(4)}; found by ${cx.found})`);
  } else if (r.verdict === 'certified') {
    const c = r.certificate;
    say(
      `certified: right on every string of every length (${c.regions.length} regions, every string up to ${c.depth} bits checked, ` +
        `${c.stepsPerCheck} bits per step of the induction, read-out margin ${c.margins.readout.toPrecision(3)}; ${ms} ms)` +
        (o.out ? `; certificate in ${o.out}` : ''),
    );
  } else {
    say(`unknown: neither proved nor refuted: ${r.reason}`);
  }
  return r.verdict === 'certified' ? 0 : 1;
}

export async function verifyCommand(o: { model: string; certificate: string }): Promise<number> {
  const model = await loadModel(o.model);
  const text = readTextFile(o.certificate, 'certificate file');
  let cert: unknown;
  try {
    cert = JSON.parse(text);
  } catch (e) {
    throw new ParityError(`certificate file ${o.certificate} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof cert !== 'object' || cert === null || (cert as { format?: unknown }).format !== 'parity-lstm-certificate/1') {
    throw new ParityError(`certificate file ${o.certificate} is not a parity-lstm-certificate/1 file`);
  }
  const r = verify(model, cert);
  if (r.ok) say(`verified: the certificate proves the model right on every string (${r.regions} regions, ${r.checks} checks, ${Math.round(r.ms)} ms)`);
  else say(`rejected: ${r.condition}`);
  return r.ok ? 0 : 1;
}
