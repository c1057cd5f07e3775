"""PyTorch peer for bench/run.mjs: one thread, CPU, float32.

Model: nn.LSTM(1, H, batch_first=True) (or nn.GRU, with "cell": "gru" in the spec) -> nn.Linear(H, 1) on the final hidden state, BCEWithLogitsLoss (mean),
torch.optim.Adam(lr=0.01). A training step: encode strings (numpy -> tensor), zero_grad, forward, loss, backward,
optimiser step, loss.item().

  dense   the whole [B, T, 1] tensor through nn.LSTM, read h_n: only valid when every string has the same length
          (configs B, C and inference), so config A has no dense figure.
  packed  pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False): each string stops at its own
          last bit (what ours does); used for every config. Packing is timed as part of the step.

Time-to-solve: the loop of src/train/train.ts with packed nn.LSTM: fresh batches of 10 strings of lengths 1..20; every 10
steps accuracy on a fixed set of 100 strings of lengths 50..100; when that is 100%, confirm on 1000 fresh strings;
solved when those are 100% too; at most 5000 steps. Training seconds count the steps only (encode, forward,
backward, Adam), as the library's train() does; wall seconds include evaluation.

Usage (the runner passes the configs as JSON):  /usr/bin/python3 bench/peers/torch_bench.py SPEC.json OUT.json
SPEC: {"configs": [...], "timing": {...}, "solve": {...} or null}  (see bench/lib/configs.mjs)
"""

import json
import random
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass  # already set: only possible before any parallel work

now = time.perf_counter


CELL = 'lstm'  # set from the spec in main()


class Net(nn.Module):
    def __init__(self, H):
        super().__init__()
        self.rnn = (nn.GRU if CELL == 'gru' else nn.LSTM)(1, H, batch_first=True)
        self.linear = nn.Linear(H, 1)

    def read(self, h):
        h = h[0] if isinstance(h, tuple) else h  # the LSTM returns (h_n, c_n)
        return self.linear(h[-1]).squeeze(-1)

    def dense(self, x):
        _, h = self.rnn(x)
        return self.read(h)

    def packed(self, x, lengths):
        p = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(p)
        return self.read(h)


def random_strings(rng, count, lo, hi):
    out = []
    for _ in range(count):
        L = rng.randint(lo, hi)
        out.append(format(rng.getrandbits(L), '0%db' % L))
    return out


def encode(strings):
    """Bit strings -> x [B, T, 1] float32 zero-padded, lengths int64 [B], parity targets float32 [B]."""
    B = len(strings)
    lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=B)
    T = int(lengths.max())
    if int(lengths.min()) == T:
        x = (np.frombuffer(''.join(strings).encode(), dtype=np.uint8).reshape(B, T) - 48).astype(np.float32)
    else:
        x = np.zeros((B, T), dtype=np.float32)
        for b, s in enumerate(strings):
            x[b, : len(s)] = np.frombuffer(s.encode(), dtype=np.uint8) - 48
    y = np.fromiter((s.count('1') & 1 for s in strings), dtype=np.float32, count=B)
    return torch.from_numpy(x).unsqueeze(-1), torch.from_numpy(lengths), torch.from_numpy(y)


def pool_of(cfg, seed=12345):
    rng = random.Random(seed)
    n = 1 if cfg['kind'] == 'infer' else max(8, -(-20000 // cfg['batch']))
    return [random_strings(rng, cfg['batch'], cfg['minLen'], cfg['maxLen']) for _ in range(n)]


def measure(unit, t):
    """Same protocol as bench/lib/measure.mjs: cold first call, warm-up, repetitions of >= repSec."""
    t0 = now()
    seq = unit()
    cold_sec = now() - t0
    t0 = now()
    warm_units = 0
    while warm_units < 1 or now() - t0 < t['warmSec']:
        unit()
        warm_units += 1
    reps = []
    start = now()
    while len(reps) < t['reps'] and (len(reps) < t['minReps'] or now() - start < t['cellSec']):
        r0 = now()
        q = 0
        n = 0
        while True:
            q += unit()
            n += 1
            if now() - r0 >= t['repSec']:
                break
        sec = now() - r0
        reps.append({'rate': q / sec, 'units': n, 'seconds': sec})
    rates = [r['rate'] for r in reps]
    return {
        'cold': {'rate': seq / cold_sec, 'seconds': cold_sec},
        'warm': {
            'median': statistics.median(rates),
            'min': min(rates),
            'max': max(rates),
            'reps': len(rates),
            'unitsPerRep': statistics.median([r['units'] for r in reps]),
        },
        'warmupUnits': warm_units,
    }


def bench_cell(cfg, mode, t):
    pool = pool_of(cfg)
    s0 = now()
    torch.manual_seed(1)
    net = Net(cfg['hidden'])
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    lossf = nn.BCEWithLogitsLoss()
    setup = now() - s0
    if cfg['kind'] == 'train':
        state = {'i': 0}

        def unit():
            strings = pool[state['i'] % len(pool)]
            state['i'] += 1
            x, lengths, y = encode(strings)
            opt.zero_grad(set_to_none=True)
            z = net.dense(x) if mode == 'dense' else net.packed(x, lengths)
            loss = lossf(z, y)
            loss.backward()
            opt.step()
            loss.item()
            return int(lengths.sum())
    else:
        strings = pool[0]
        n = sum(len(s) for s in strings)

        def unit():
            with torch.inference_mode():
                x, lengths, _ = encode(strings)
                z = net.dense(x) if mode == 'dense' else net.packed(x, lengths)
                z.numpy()
            return n

    r = measure(unit, t)
    flat = [s for b in pool for s in b]
    r['setupSeconds'] = setup
    r['seqStepsPerUnit'] = sum(len(s) for s in flat) / len(pool)
    return r


def train_until_solved(seed, S, budget_sec):
    torch.manual_seed(seed)
    data = random.Random(seed * 16 + 1)
    eval_set = random_strings(random.Random(seed * 16 + 2), S['evalCount'], S['evalMinLen'], S['evalMaxLen'])
    confirm_rng = random.Random(seed * 16 + 3)
    net = Net(S['hidden'])
    opt = torch.optim.Adam(net.parameters(), lr=S['lr'])
    lossf = nn.BCEWithLogitsLoss()

    def accuracy(strings):
        with torch.inference_mode():
            x, lengths, y = encode(strings)
            z = net.packed(x, lengths)
            return float(((z > 0).float() == y).float().mean())

    start = now()
    train_sec = 0.0
    step = 0
    solved_at = None
    last_confirm = None
    timed_out = False
    while step < S['steps']:
        strings = random_strings(data, S['batch'], S['minLen'], S['maxLen'])
        t0 = now()
        x, lengths, y = encode(strings)
        opt.zero_grad(set_to_none=True)
        loss = lossf(net.packed(x, lengths), y)
        loss.backward()
        opt.step()
        loss.item()
        train_sec += now() - t0
        step += 1
        if step % S['evalEvery'] == 0 or step == S['steps']:
            if solved_at is None and accuracy(eval_set) == 1.0:
                c = accuracy(random_strings(confirm_rng, S['confirmCount'], S['evalMinLen'], S['evalMaxLen']))
                last_confirm = (step, c)
                if c == 1.0:
                    solved_at = step
            if solved_at is not None:
                break
            if now() - start > budget_sec:
                timed_out = True
                break
    if last_confirm and last_confirm[0] == step:
        confirm = last_confirm[1]
    else:
        confirm = accuracy(random_strings(confirm_rng, S['confirmCount'], S['evalMinLen'], S['evalMaxLen']))
    return {'seed': seed, 'solved': confirm == 1.0, 'steps': step, 'seconds': train_sec,
            'wallSeconds': now() - start, 'timedOut': timed_out}


def main():
    global CELL
    spec = json.load(open(sys.argv[1]))
    CELL = spec.get('cell', 'lstm')
    suffix = '' if CELL == 'lstm' else '-' + CELL
    module = 'nn.GRU' if CELL == 'gru' else 'nn.LSTM'
    out_path = sys.argv[2] if len(sys.argv) > 2 else None
    t = spec['timing']
    env = {'torch': torch.__version__, 'threads': torch.get_num_threads(),
           'interopThreads': torch.get_num_interop_threads(), 'python': sys.version.split()[0],
           'mkldnn': torch.backends.mkldnn.is_available()}
    label = '' if CELL == 'lstm' else ' ' + CELL.upper()
    dense = {'id': 'torch-dense' + suffix, 'label': 'PyTorch dense' + label, 'cell': CELL, 'env': env, 'results': {},
             'solve': None,
             'notes': ['PyTorch dense: %s over the whole [B,T,1] tensor (equal lengths only: not for config A)' % module]}
    packed = {'id': 'torch-packed' + suffix, 'label': 'PyTorch packed' + label, 'cell': CELL, 'env': env,
              'results': {}, 'solve': None,
              'notes': ['PyTorch packed: pack_padded_sequence(enforce_sorted=False) -> %s, h_n at each string\'s last '
                        'bit' % module]}
    for cfg in spec['configs']:
        modes = ['packed'] if cfg['minLen'] != cfg['maxLen'] else ['dense', 'packed']
        if cfg['minLen'] != cfg['maxLen']:
            dense['results'][cfg['id']] = {'skipped': 'lengths differ: dense would read the padding'}
        for mode in modes:
            r = bench_cell(cfg, mode, t)
            (dense if mode == 'dense' else packed)['results'][cfg['id']] = r
            print('PyTorch %s %s %s: %.4f M seq-steps/s warm, %.4f M cold' % (
                CELL, mode, cfg['id'], r['warm']['median'] / 1e6, r['cold']['rate'] / 1e6), file=sys.stderr, flush=True)
    S = spec.get('solve')
    if S:
        per = []
        start = now()
        seeds = S['seeds']
        for k, seed in enumerate(seeds):
            left = S['budgetSec'] - (now() - start)
            if left <= 0:
                per.append({'seed': seed, 'skipped': 'out of the time budget'})
                continue
            r = train_until_solved(seed, S, left / (len(seeds) - k))
            per.append(r)
            print('PyTorch packed solve seed %d: solved=%s steps=%d train %.3f s, wall %.3f s%s' % (
                seed, r['solved'], r['steps'], r['seconds'], r['wallSeconds'],
                ' (stopped: time budget)' if r['timedOut'] else ''), file=sys.stderr, flush=True)
        packed['solve'] = {'perSeed': per, 'how': 'src/train/train.ts\'s loop in Python with packed ' + module + '; own data '
                           'streams (Python random, torch.manual_seed(seed)); budget %g s over all seeds' % S['budgetSec']}
    text = json.dumps({'peers': [dense, packed]}, indent=2)
    if out_path:
        with open(out_path, 'w') as f:
            f.write(text)
    else:
        print(text)


if __name__ == '__main__':
    main()
