"""The study behind the hardening phase's regularisers (docs/certify.md, "What made trained models provable").

Run with a Python that has torch (e.g. /usr/bin/python3), from the repository root:

    python3 scripts/harden_study.py harden SOLVED.json OUT.json SIGMA STEPS [LR [WD [SEED [FORGET]]]]
    python3 scripts/harden_study.py analyse MODEL.json

`harden` continues a parity-lstm/1 LSTM in PyTorch for STEPS steps of batches of 32 equal-length strings of 1..200
bits (run patterns and bit densities 0.5, 0.1, 0.02, 0.9, as src/train/harden.ts draws them), Adam (AdamW with
weight decay WD when WD > 0) at LR with gradient clipping at 1, Gaussian state noise SIGMA on h and c after every
step and FORGET times the mean squared forget gate added to the loss. `analyse` prints the top Lyapunov exponents
along 3,000-bit random strings of densities 0.5, 0.1 and 0.9, the largest |c| seen, and the input-0 fixed points
reached from "0" and "1" with the spectral radius of their Jacobians. Then `parity-lstm certify --model OUT.json`.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import random
import time

import torch
from torch import nn
from torch_interop import load_parity_model, save_parity_model


def harden(argv):

    src, out = argv[1], argv[2]
    sigma = float(argv[3]); steps = int(argv[4]); lr = float(argv[5]) if len(argv) > 5 else 0.003
    wd = float(argv[6]) if len(argv) > 6 else 0.0
    seed = int(argv[7]) if len(argv) > 7 else 1
    fpen = float(argv[8]) if len(argv) > 8 else 0.0
    torch.manual_seed(seed); rng = random.Random(seed)
    net = load_parity_model(src)
    lstm = net.rnn; H = lstm.hidden_size
    cell = nn.LSTMCell(1, H)
    with torch.no_grad():
        cell.weight_ih.copy_(lstm.weight_ih_l0); cell.weight_hh.copy_(lstm.weight_hh_l0)
        cell.bias_ih.copy_(lstm.bias_ih_l0); cell.bias_hh.copy_(lstm.bias_hh_l0)
    lin = net.linear
    params = list(cell.parameters()) + list(lin.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=wd) if wd > 0 else torch.optim.Adam(params, lr=lr)
    dens = [0.5, 0.1, 0.02, 0.9]
    def string(L):
        if rng.random() < 0.2:
            k = rng.randint(0, 2); a = rng.randint(0, L - 1)
            if k == 0: return '1' + '0' * (L - 1)
            if k == 1: return '1' * (a + 1) + '0' * (L - a - 1)
            return '0' * a + '1' + '0' * (L - a - 1)
        p = rng.choice(dens)
        return ''.join('1' if rng.random() < p else '0' for _ in range(L))
    B = 32; maxL = 200
    t0 = time.time()
    for step in range(1, steps + 1):
        L = rng.randint(1, maxL)  # one length per batch: no packing needed
        ss = [string(L) for _ in range(B)]
        x = torch.tensor([[float(c) for c in s] for s in ss]).unsqueeze(-1)
        y = torch.tensor([s.count('1') % 2 for s in ss], dtype=torch.float32)
        h = torch.zeros(B, H); c = torch.zeros(B, H)
        pen = 0.0
        for t in range(L):
            if fpen > 0:
                z = cell.weight_ih @ x[:, t].T + cell.weight_hh @ h.T + (cell.bias_ih + cell.bias_hh)[:, None]
                pen = pen + torch.sigmoid(z[H:2*H]).pow(2).mean() / L
            h, c = cell(x[:, t], (h, c))
            if sigma > 0:
                h = h + sigma * torch.randn_like(h); c = c + sigma * torch.randn_like(c)
        logit = lin(h).squeeze(-1)
        loss = nn.functional.binary_cross_entropy_with_logits(logit, y)
        task = loss.item()
        loss = loss + fpen * pen
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 250 == 0:
            print(step, round(task, 4), round(float(pen), 3), round(time.time() - t0, 1), flush=True)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(cell.weight_ih); lstm.weight_hh_l0.copy_(cell.weight_hh)
        lstm.bias_ih_l0.copy_(cell.bias_ih); lstm.bias_hh_l0.copy_(cell.bias_hh)
    save_parity_model(net, out, 'lstm')


def analyse(argv):
    torch.set_default_dtype(torch.float64)
    net = load_parity_model(argv[1]).double()
    l = net.rnn; H = l.hidden_size
    Wih, Whh, b = l.weight_ih_l0, l.weight_hh_l0, l.bias_ih_l0 + l.bias_hh_l0
    def F(s, x):
        h, c = s[:H], s[H:]
        z = Wih[:, 0] * x + Whh @ h + b
        i, f, g, o = torch.sigmoid(z[:H]), torch.sigmoid(z[H:2*H]), torch.tanh(z[2*H:3*H]), torch.sigmoid(z[3*H:])
        c2 = f * c + i * g; h2 = o * torch.tanh(c2)
        return torch.cat([h2, c2])
    rng = random.Random(1)
    with torch.no_grad():
      for p in [0.5, 0.1, 0.9]:
        s = torch.zeros(2 * H); Q = torch.eye(2 * H); lyap = torch.zeros(2 * H); maxc = 0; N = 3000
        for t in range(N):
            x = 1.0 if rng.random() < p else 0.0
            J = torch.autograd.functional.jacobian(lambda v: F(v, x), s)
            s = F(s, x); maxc = max(maxc, s[H:].abs().max().item())
            Q, R = torch.linalg.qr(J @ Q)
            lyap += torch.log(torch.abs(torch.diagonal(R)))
        print('p', p, 'top Lyapunov exps per step', [round(v, 3) for v in (lyap / N).sort(descending=True).values[:4].tolist()], 'max|c|', round(maxc, 2))
      for start in ['0', '1']:
        s = torch.zeros(2 * H)
        for ch in start: s = F(s, float(ch))
        for t in range(3000): s = F(s, 0.0)
        J = torch.autograd.functional.jacobian(lambda v: F(v, 0.0), s)
        ev = torch.linalg.eigvals(J).abs().max().item()
        print('fixed point after', start, '0^n: logit', round(net.linear(s[:H]).item(), 2), 'rho', round(ev, 3), 'c', [round(v, 1) for v in s[H:].tolist()])


if __name__ == '__main__':
    cmd, rest = sys.argv[1], sys.argv[1:]
    {'harden': harden, 'analyse': analyse}[cmd](rest)
