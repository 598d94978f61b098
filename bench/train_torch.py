"""Training throughput of PyTorch on CPU, the reference for bench/train.ts (same models, batch sizes,
optimiser and input shapes). Reads one JSON argument {"models": [...], "warmup": w, "steps": s,
"seed": n, "threads": t} and prints one JSON object; when torch cannot be imported it says so instead.

Models (identical to bench/train.ts):
  mlp: 784-300-100-10 ReLU, batch 128
  cnn: conv3x3-32, conv3x3-32, maxpool2, conv3x3-64, conv3x3-64, maxpool2, dense 10 (ReLU, 'same'
       padding) on 32x32x3, batch 64
Adam (lr 1e-3), softmax cross-entropy, synthetic seeded normal inputs and uniform labels. One step =
forward + backward + update + reading the loss back (as the tfjs side does). Cost per step is the
model's forward+backward FLOPs; the timer covers `steps` steps after `warmup` untimed ones.
"""
import json
import platform
import sys
import time


def build(torch, name):
    nn = torch.nn
    if name == 'mlp':
        model = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
        return model, (128, 784)
    if name == 'cnn':
        model = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 8 * 8, 10),
        )
        # PyTorch's native layout is NCHW; the tfjs side feeds the same images as NHWC.
        return model, (64, 3, 32, 32)
    raise ValueError(f"unknown model '{name}'")


def measure(torch, name, warmup, steps, seed):
    torch.manual_seed(seed)
    model, shape = build(torch, name)
    x = torch.randn(*shape)
    y = torch.randint(0, 10, (shape[0],))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    times = []
    cpu0 = time.process_time()
    start = time.perf_counter()
    for _ in range(steps):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    times.sort()
    return {
        'batch': shape[0],
        'steps': steps,
        'seconds': total,
        # CPU time of all threads: up to threads x seconds when the cores were free.
        'cpuSeconds': cpu,
        'examplesPerSecond': steps * shape[0] / total,
        'medianStepMs': 1000 * times[len(times) // 2],
        'finalLoss': loss,
    }


def main():
    args = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    try:
        import torch
    except Exception as e:  # ImportError, or a broken install raising something else
        print(json.dumps({'available': False, 'reason': f'import torch failed: {e}', 'python': sys.executable}))
        return
    torch.set_num_threads(int(args.get('threads', 2)))
    # Which BLAS torch really loaded (Debian: libopenblas0 when installed, else the reference libblas).
    try:
        with open('/proc/self/maps') as f:
            libs = sorted({line.split()[-1].rsplit('/', 1)[-1] for line in f if 'blas' in line.lower() and '/' in line})
    except OSError:
        libs = []
    out = {
        'available': True,
        'blas': libs,
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'python': platform.python_version(),
        'models': {},
    }
    for name in args.get('models', ['mlp', 'cnn']):
        out['models'][name] = measure(torch, name, int(args.get('warmup', 3)), int(args.get('steps', 20)), int(args.get('seed', 1)))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
