// A package consumer: imports parity-lstm by name, trains on the main thread, predicts.
import { train, ParityError } from 'parity-lstm';

const out = document.getElementById('prediction');
const hash = document.getElementById('hash');
const bits = document.getElementById('bits').textContent;

train({ seed: 1, goal: 'solved' })
  .then(({ model }) => {
    const p = model.predict(bits);
    out.textContent = `${p.parity} (p = ${p.probability.toFixed(4)})`;
    hash.textContent = model.weightsHash();
  })
  .catch((e) => {
    out.textContent = `error${e instanceof ParityError ? '' : ' (bug)'}: ${e.message}`;
  });
