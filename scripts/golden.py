"""Golden fixtures: what PyTorch computes for a few tiny parity models.

Run from the repository root with a Python that has torch (Debian's python3-torch):

    /usr/bin/python3 scripts/golden.py

It writes test/fixtures/golden.json. The TypeScript tests read that file, so
neither the tests nor CI ever need Python.

For each case we record the initial weights (PyTorch's default init under a fixed
seed), the logits, loss and gradients for one fixed batch, and three short
training runs (Adam, Adam with gradient clipping, plain SGD) that each start
again from the initial weights.

Before writing anything the script checks PyTorch against an independent
reference: the same equations written out by hand in float64 numpy, one string
at a time, differentiated by central finite differences. That reference shares
nothing with PyTorch's packing, fused kernels or autograd, so agreement means
the fixture describes the model we think it does.
"""

import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_interop import ParityNet, encode, parity, tensors_to_json, write_json_atomically  # noqa: E402

OUT = 'test/fixtures/golden.json'
STEPS = 5

CASES = [
    # Lengths are deliberately unsorted, with repeats and a length-1 string, so an
    # implementation that forgets to stop each string at its own end gets it wrong.
    dict(name='lstm-h8', cell='lstm', hidden=8, seed=101, strings=[
        '10110', '1', '011010011101', '1100101', '0001110', '000', '1011011001']),
    dict(name='rnn-h8', cell='rnn', hidden=8, seed=202, strings=[
        '0110', '11', '101001110010', '0', '1110001', '1010110', '111111111']),
    # H=5 is not a multiple of 4, which catches gate slicing that assumes SIMD-width blocks.
    dict(name='lstm-h5', cell='lstm', hidden=5, seed=304, strings=[
        '1', '00101101110010110101', '0111', '110100111', '0000000000000',
        '10', '11100101101011100', '1011101', '010', '1101000110110110']),
    dict(name='rnn-h3', cell='rnn', hidden=3, seed=404, strings=[
        '111010011', '0', '1101', '10011', '0110']),
    dict(name='gru-h8', cell='gru', hidden=8, seed=505, strings=[
        '10110', '1', '011010011101', '1100101', '0001110', '000', '1011011001']),
    dict(name='gru-h5', cell='gru', hidden=5, seed=606, strings=[
        '1', '00101101110010110101', '0111', '110100111', '0000000000000',
        '10', '11100101101011100', '1011101', '010', '1101000110110110']),
]

RUNS = [
    dict(optimizer='adam', lr=0.01, clip=None),
    # 0.01 is below every gradient norm these runs see (checked below), so the
    # clipping code path is always exercised, not just compiled.
    dict(optimizer='adam', lr=0.01, clip=0.01),
    dict(optimizer='sgd', lr=0.1, clip=None),
]

# Adam's first step is lr * g / (|g| + eps): for a gradient near eps = 1e-8 it
# swings with the last few bits of g, and float32 implementations that merely sum
# in another order would disagree about the updated weight by ~1e-5. The seeds
# above were picked so that no initial gradient is that small; this keeps the
# fixture a test of the equations rather than of summation order.
MIN_ABS_GRAD = 1e-7

# float32 PyTorch against the float64 reference. Observed differences are a few
# 1e-8 for logits, losses and gradients and up to ~1e-6 for weights after five
# Adam steps; the margin leaves room for a different BLAS, not for a bug.
TOLERANCE = 1e-5


# ---------------------------------------------------------------------------
# PyTorch, float32: the numbers that go into the fixture


def targets(strings):
    return torch.tensor([float(parity(s)) for s in strings])


def forward_backward(model, strings):
    """Logits and loss for the batch; leaves the gradients in .grad."""
    model.zero_grad()
    logits = model(*encode(strings))
    loss = nn.BCEWithLogitsLoss()(logits, targets(strings))
    loss.backward()
    return logits, loss


def train(initial_state, case, run):
    model = ParityNet(case['cell'], case['hidden'])
    model.load_state_dict(initial_state)
    params = list(model.parameters())
    if run['optimizer'] == 'adam':
        optimizer = torch.optim.Adam(params, lr=run['lr'])  # betas (0.9, 0.999), eps 1e-8
    else:
        optimizer = torch.optim.SGD(params, lr=run['lr'])  # no momentum
    losses, grad_norms = [], []
    for _ in range(STEPS):
        optimizer.zero_grad()
        _, loss = forward_backward(model, case['strings'])
        losses.append(loss.item())
        if run['clip'] is not None:
            grad_norms.append(torch.nn.utils.clip_grad_norm_(params, run['clip']).item())
        optimizer.step()
    result = dict(run, losses=losses)
    if run['clip'] is not None:
        result['grad_norms'] = grad_norms
    result['tensors'] = tensors_to_json(model.state_dict().items())
    return result


# ---------------------------------------------------------------------------
# Reference, float64 numpy: one string at a time, the textbook equations


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def reference_logits(cell, p, strings):
    W_ih, W_hh = p['rnn.weight_ih_l0'][:, 0], p['rnn.weight_hh_l0']
    b = p['rnn.bias_ih_l0'] + p['rnn.bias_hh_l0']
    H = W_hh.shape[1]
    logits = []
    for s in strings:
        h, c = np.zeros(H), np.zeros(H)
        for bit in s:
            z = W_ih * float(bit) + W_hh @ h + b
            if cell == 'lstm':
                i, f, g, o = z[:H], z[H:2 * H], z[2 * H:3 * H], z[3 * H:]  # PyTorch's gate order
                c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
                h = sigmoid(o) * np.tanh(c)
            elif cell == 'gru':
                # PyTorch's gate order r, z, n; the reset gate scales W_hn h + b_hn, bias included,
                # so the n row is computed from its two halves rather than from z.
                r, u = sigmoid(z[:H]), sigmoid(z[H:2 * H])
                n_x = W_ih[2 * H:] * float(bit) + p['rnn.bias_ih_l0'][2 * H:]
                n_h = W_hh[2 * H:] @ h + p['rnn.bias_hh_l0'][2 * H:]
                n = np.tanh(n_x + r * n_h)
                h = (1 - u) * n + u * h
            else:
                h = np.tanh(z)
        logits.append(p['linear.weight'][0] @ h + p['linear.bias'][0])
    return np.array(logits)


def reference_loss(cell, p, strings):
    z = reference_logits(cell, p, strings)
    y = np.array([parity(s) for s in strings], dtype=np.float64)
    # BCE with logits, -y log sigmoid(z) - (1-y) log(1 - sigmoid(z)), written stably.
    return np.mean(np.logaddexp(0, z) - y * z)


def reference_grads(cell, p, strings, h=1e-6):
    # Central differences: truncation error ~h^2 and rounding ~1e-16/h, both far
    # below TOLERANCE; the whole loss is re-evaluated for every single weight.
    grads = {}
    for name, w in p.items():
        g = np.zeros_like(w)
        for k in np.ndindex(w.shape):
            saved = w[k]
            w[k] = saved + h
            up = reference_loss(cell, p, strings)
            w[k] = saved - h
            down = reference_loss(cell, p, strings)
            w[k] = saved
            g[k] = (up - down) / (2 * h)
        grads[name] = g
    return grads


def reference_train(cell, p, strings, run):
    """The optimizers as their papers and PyTorch's docs state them, in float64."""
    p = {k: v.copy() for k, v in p.items()}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(w) for k, w in p.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    losses, grad_norms = [], []
    for t in range(1, STEPS + 1):
        losses.append(reference_loss(cell, p, strings))
        g = reference_grads(cell, p, strings)
        if run['clip'] is not None:
            norm = np.sqrt(sum(np.sum(x * x) for x in g.values()))
            grad_norms.append(norm)
            # clip_grad_norm_ adds 1e-6 to the norm and never scales up.
            scale = min(1.0, run['clip'] / (norm + 1e-6))
            g = {k: x * scale for k, x in g.items()}
        for k in p:
            if run['optimizer'] == 'sgd':
                p[k] -= run['lr'] * g[k]
            else:
                m[k] = beta1 * m[k] + (1 - beta1) * g[k]
                v[k] = beta2 * v[k] + (1 - beta2) * g[k] ** 2
                m_hat = m[k] / (1 - beta1 ** t)
                v_hat = v[k] / (1 - beta2 ** t)
                p[k] -= run['lr'] * m_hat / (np.sqrt(v_hat) + eps)
    return losses, grad_norms, p


# ---------------------------------------------------------------------------


def as_numpy(tensors_json):
    return {k: np.array(t['data'], dtype=np.float64).reshape(t['shape']) for k, t in tensors_json.items()}


def check(what, ours, reference):
    ours, reference = np.asarray(ours, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    err = np.max(np.abs(ours - reference))
    if not err <= TOLERANCE:
        raise AssertionError(f'{what}: PyTorch and the float64 reference differ by {err:.3g}')
    return err


def build_case(case):
    strings = case['strings']
    assert len({parity(s) for s in strings}) == 2, 'a batch needs both answers'
    torch.manual_seed(case['seed'])
    model = ParityNet(case['cell'], case['hidden'])
    initial_state = {k: v.clone() for k, v in model.state_dict().items()}
    logits, loss = forward_backward(model, strings)
    out = dict(
        name=case['name'], cell=case['cell'], hidden=case['hidden'], seed=case['seed'],
        strings=strings,
        tensors=tensors_to_json(initial_state.items()),
        logits=logits.tolist(),
        loss=loss.item(),
        grads=tensors_to_json((k, p.grad) for k, p in model.named_parameters()),
        runs=[train(initial_state, case, run) for run in RUNS],
    )

    smallest = min(abs(x) for g in out['grads'].values() for x in g['data'])
    assert smallest > MIN_ABS_GRAD, f'{case["name"]}: a gradient of {smallest:.2g} makes Adam ill-conditioned'

    worst = 0.0
    p0 = as_numpy(out['tensors'])
    worst = max(worst, check(f'{case["name"]} logits', out['logits'], reference_logits(case['cell'], p0, strings)))
    worst = max(worst, check(f'{case["name"]} loss', out['loss'], reference_loss(case['cell'], p0, strings)))
    ref_grads = reference_grads(case['cell'], p0, strings)
    for k, g in as_numpy(out['grads']).items():
        worst = max(worst, check(f'{case["name"]} grad {k}', g, ref_grads[k]))
    for run in out['runs']:
        label = f'{case["name"]} {run["optimizer"]} clip={run["clip"]}'
        losses, grad_norms, p_final = reference_train(case['cell'], p0, strings, run)
        worst = max(worst, check(f'{label} losses', run['losses'], losses))
        if run['clip'] is not None:
            worst = max(worst, check(f'{label} grad_norms', run['grad_norms'], grad_norms))
            assert min(run['grad_norms']) > run['clip'], f'{label}: clipping never happened at some step'
        for k, w in as_numpy(run['tensors']).items():
            worst = max(worst, check(f'{label} {k}', w, p_final[k]))
    print(f'{case["name"]}: PyTorch float32 matches the float64 reference, worst difference {worst:.2g}')
    return out


def main():
    torch.set_num_threads(1)  # one thread keeps float32 reductions in one fixed order
    golden = {
        'generator': 'scripts/golden.py',
        'torch': torch.__version__,
        'note': ('Produced by PyTorch in float32 on CPU, and checked against a float64 '
                 'finite-difference reference to within %g. Each case: initial weights '
                 '(default init under torch.manual_seed(seed)), logits/loss/grads for the '
                 'fixed batch (BCEWithLogitsLoss, mean), and runs of %d steps from the '
                 'initial weights; run losses are taken before each update. Tensors are '
                 'state_dict() keys, row-major, float32 values written exactly.'
                 % (TOLERANCE, STEPS)),
        'cases': [build_case(case) for case in CASES],
    }
    write_json_atomically(golden, OUT)
    print(f'wrote {OUT} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
