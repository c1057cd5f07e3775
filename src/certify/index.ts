// certify / verify: proofs that a model answers parity right on every string, or the string it gets wrong.
export { certify, DEFAULT_SCHEDULE, type ScheduleEntry, type CertifyOptions, type CertifyResult, type Attempt } from './certify.js';
export { verify, type VerifyResult } from './verify.js';
export { refute, type Counterexample, type RefuteOptions } from './refute.js';
export { flipFlopModel } from './flipflop.js';
export { CERT_FORMAT, type Certificate, type Region } from './certificate.js';
