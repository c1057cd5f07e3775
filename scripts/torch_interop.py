"""Move parity-lstm models between our JSON format and PyTorch.

The two functions a user needs are `load_parity_model` and `save_parity_model`;
they depend only on `ParityNet` and `encode` below, so the whole top half of this
file can be copied into another project as it is.

Command line (run with a Python that has torch, e.g. /usr/bin/python3):

    python3 scripts/torch_interop.py predict MODEL.json BITS...
    python3 scripts/torch_interop.py fixture

`fixture` trains a small LSTM and a small GRU in PyTorch and writes
test/fixtures/torch-model.json, torch-predictions.json (LSTM) and
torch-gru-model.json, torch-gru-predictions.json, so the TypeScript tests can
check that our library computes the same logits as PyTorch for models it did not
train.
"""

import json
import os
import random
import sys
import tempfile

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

FORMAT = 'parity-lstm/1'
# The file's "cell" -> the PyTorch module whose state_dict() names and shapes its tensors (gate order: LSTM i, f,
# g, o; GRU r, z, n; RNN with tanh).
CELLS = {'lstm': nn.LSTM, 'rnn': nn.RNN, 'gru': nn.GRU}


class ParityNet(nn.Module):
    def __init__(self, cell, H):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f'cell must be one of {", ".join(CELLS)}, not {cell!r}')
        self.rnn = CELLS[cell](1, H, batch_first=True)
        self.linear = nn.Linear(H, 1)

    def forward(self, x, lengths):
        """x: [B, T, 1] zero-padded bits, lengths: [B]. Returns one logit per string."""
        # Packing makes the RNN stop at each string's own last bit, so padding never
        # leaks into the result; with enforce_sorted=False PyTorch sorts the batch
        # internally and hands h_n back in our original order.
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)
        if isinstance(h_n, tuple):  # an LSTM returns (h_n, c_n); the output reads h, not c
            h_n = h_n[0]
        return self.linear(h_n[-1]).squeeze(-1)


def encode(strings):
    """Bit strings -> (padded float32 batch [B, T, 1], lengths [B])."""
    for s in strings:
        if not s or set(s) - {'0', '1'}:
            raise ValueError(f'not a non-empty bit string: {s!r}')
    T = max(len(s) for s in strings)
    x = torch.zeros(len(strings), T, 1)
    for b, s in enumerate(strings):
        x[b, :len(s), 0] = torch.tensor([float(c) for c in s])
    # pack_padded_sequence wants the lengths as an int64 tensor on the CPU.
    return x, torch.tensor([len(s) for s in strings], dtype=torch.int64)


def parity(s):
    return s.count('1') % 2


def tensors_to_json(named_tensors):
    # A float32 tensor's .tolist() gives Python floats that equal the float32 values
    # exactly, and json writes the shortest repr that reads back as the same float64,
    # so every number survives the trip bit-exact.
    return {name: {'shape': list(t.shape), 'data': t.detach().to(torch.float32).flatten().tolist()}
            for name, t in named_tensors}


def write_json_atomically(obj, path):
    # A reader must never see half a file, so write next to the target and rename.
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.' + os.path.basename(path) + '.', suffix='.tmp')
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; fixtures are ordinary files
        with os.fdopen(fd, 'w') as f:
            json.dump(obj, f)
            f.write('\n')
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load_parity_model(path):
    """Read a parity-lstm/1 JSON file into a ParityNet (float32, eval mode)."""
    with open(path) as f:
        doc = json.load(f)
    if doc.get('format') != FORMAT:
        raise ValueError(f'{path}: format is {doc.get("format")!r}, expected {FORMAT!r}')
    if doc.get('inputSize', 1) != 1:
        raise ValueError(f'{path}: inputSize must be 1')
    model = ParityNet(doc['cell'], int(doc['hiddenSize']))
    expected = model.state_dict()
    given = doc['tensors']
    if set(given) != set(expected):
        raise ValueError(f'{path}: tensors {sorted(given)} do not match {sorted(expected)}')
    state = {}
    for name, want in expected.items():
        shape, data = given[name]['shape'], given[name]['data']
        if list(shape) != list(want.shape):
            raise ValueError(f'{path}: {name} has shape {shape}, expected {list(want.shape)}')
        state[name] = torch.tensor(data, dtype=torch.float32).reshape(want.shape)
    model.load_state_dict(state)
    return model.eval()


def save_parity_model(model, path, cell):
    """Write a ParityNet as parity-lstm/1 JSON (atomically)."""
    doc = {
        'format': FORMAT,
        'cell': cell,
        'inputSize': 1,
        'hiddenSize': model.rnn.hidden_size,
        'tensors': tensors_to_json(model.state_dict().items()),
    }
    write_json_atomically(doc, path)


# ---------------------------------------------------------------------------
# Command line


def predict(model, strings):
    """Logits for any number of strings, in float32, without building a graph."""
    with torch.no_grad():
        return model(*encode(strings))


def cmd_predict(model_path, strings):
    model = load_parity_model(model_path)
    for s, logit in zip(strings, predict(model, strings).tolist()):
        p = torch.sigmoid(torch.tensor(logit)).item()
        shown = s if len(s) <= 40 else s[:40] + '...'
        print(f'{shown} parity={int(logit > 0)} p={p:.6f}')


def random_strings(rng, n, min_len, max_len):
    return [''.join(rng.choice('01') for _ in range(rng.randint(min_len, max_len))) for _ in range(n)]


def train_fixture_model(cell='lstm', max_steps=20000, check_every=100, margin=3.0, log=print):
    """Train a `cell` with H=8 until it is confidently right on a large held-out set.

    "Confidently" means every held-out logit is on the right side of 0 by at
    least `margin` (p within 0.05 of the answer): a model that is right by a hair
    would flip its answers after tiny numerical differences and make a poor
    reference model.
    """
    torch.manual_seed(7)
    model = ParityNet(cell, 8)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    # Data comes from its own generator so that it does not depend on how many
    # random numbers PyTorch used for the initial weights.
    rng = random.Random(1234)
    held_out = random_strings(random.Random(99), 2000, 1, 20)
    held_out_x, held_out_lengths = encode(held_out)
    held_out_sign = torch.tensor([2.0 * parity(s) - 1.0 for s in held_out])
    for step in range(1, max_steps + 1):
        batch = random_strings(rng, 64, 1, 20)
        y = torch.tensor([float(parity(s)) for s in batch])
        optimizer.zero_grad()
        loss = loss_fn(model(*encode(batch)), y)
        loss.backward()
        optimizer.step()
        if step % check_every == 0:
            with torch.no_grad():
                signed = model(held_out_x, held_out_lengths) * held_out_sign
            accuracy = (signed > 0).float().mean().item()
            log(f'step {step}: loss {loss.item():.4f}, held-out accuracy {accuracy:.4f}, '
                f'smallest signed logit {signed.min().item():.3f}')
            if signed.min().item() >= margin:
                return model, step
    raise RuntimeError(f'not confidently right on the held-out set after {max_steps} steps')


# Lengths of the prediction fixture: every length up to 20 (the training range)
# and then well beyond it, so long-sequence numerics get compared too.
PREDICTION_LENGTHS = list(range(1, 21)) + [25, 30, 40, 50, 64, 75, 100, 150, 200, 300]


FIXTURES = {
    'lstm': ('test/fixtures/torch-model.json', 'test/fixtures/torch-predictions.json'),
    'gru': ('test/fixtures/torch-gru-model.json', 'test/fixtures/torch-gru-predictions.json'),
}


def cmd_fixture(cell):
    torch.set_num_threads(1)
    model_path, predictions_path = FIXTURES[cell]
    model, steps = train_fixture_model(cell)
    save_parity_model(model, model_path, cell)
    # Predict from the saved file, so the fixture reflects exactly what a reader
    # of torch-model.json gets.
    model = load_parity_model(model_path)
    rng = random.Random(2024)
    strings = [''.join(rng.choice('01') for _ in range(n)) for n in PREDICTION_LENGTHS]
    logits = predict(model, strings)
    doc = {
        'strings': strings,
        'logits': logits.tolist(),
        'probabilities': torch.sigmoid(logits).tolist(),
        'parity': [parity(s) for s in strings],
    }
    write_json_atomically(doc, predictions_path)
    right = sum(int(l > 0) == p for l, p in zip(doc['logits'], doc['parity']))
    print(f'trained {steps} steps; wrote {model_path} and {predictions_path} '
          f'({right}/{len(strings)} prediction strings right)')


def main(argv):
    if len(argv) >= 3 and argv[0] == 'predict':
        try:
            cmd_predict(argv[1], argv[2:])
        except (OSError, ValueError, KeyError) as e:
            sys.exit(f'torch_interop.py predict: {e}')
    elif argv == ['fixture']:
        for cell in FIXTURES:
            cmd_fixture(cell)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
