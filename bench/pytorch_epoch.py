#!/usr/bin/python3
"""One training epoch of Kiln's MLP or CNN workload in PyTorch, for bench/epoch-vs-pytorch.sh.

--model mlp: 784-512-512-10 ReLU MLP.
--model cnn: PyTorch's examples/mnist network (Kiln's src/examples/mnist-cnn): conv 1->32 3x3,
  ReLU, conv 32->64 3x3, ReLU, max-pool 2, dropout 0.25, flatten, linear 9216->128, ReLU,
  dropout 0.5, linear 128->10; inputs [N,1,28,28].
Both: cross-entropy, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8), batch 64, He initialization
and zero biases like Kiln's default, the full MNIST training set read from the raw
(uncompressed) IDX files Kiln caches. Pixels are scaled to [0, 1] and then normalized with
--mean and --std (default 0 and 1, Kiln's default; the CNN workload passes MNIST's 0.1307 and
0.3081). Only the training loop of the epoch is timed (data already in tensors); evaluation
after it is not, like Kiln's `seconds`.

Prints which BLAS and threading PyTorch uses, then a line `PYTORCH_EPOCH_SECONDS=<s>`. With
--epochs N (default 1) it trains N epochs in one process, reshuffling each time, and adds
`PYTORCH_LATER_SECONDS=<s>`, the median of epochs 2 to N; the first epoch stays the figure above.
Run with Debian's python3-torch on the OpenMP build of OpenBLAS (libopenblas0-openmp: one
OpenMP thread pool for PyTorch and BLAS, PyTorch's fastest setup at 2 threads here), e.g.
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_epoch.py --threads 2
  ... bench/pytorch_epoch.py --model cnn --mean 0.1307 --std 0.3081 --threads 2
"""
import argparse
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path, magic, header):
    with open(path, "rb") as f:
        raw = f.read()
    got = int.from_bytes(raw[0:4], "big")
    if got != magic:
        raise SystemExit(f"{path}: not an uncompressed IDX file (magic {got:#x}, expected {magic:#x})")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range((header - 4) // 4)]
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def load(data_dir, split, image_shape, mean, std):
    """Images as float32 [N, *image_shape], (pixel / 255 - mean) / std, and int64 labels."""
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte"), 0x00000803, 16)
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte"), 0x00000801, 8)
    pixels = (images.astype(np.float32) / 255.0 - np.float32(mean)) / np.float32(std)
    x = torch.from_numpy(np.ascontiguousarray(pixels.reshape((images.shape[0],) + image_shape)))
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def loaded_libraries(words):
    """Real paths of the shared libraries this process has mapped whose name contains a word."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and ".so" in parts[5]:
                name = os.path.basename(parts[5]).lower()
                if any(w in name for w in words):
                    libs.add(os.path.realpath(parts[5]))
    return sorted(libs)


def build(model):
    """The network and the per-sample input shape it takes."""
    if model == "mlp":
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        shape = (784,)
    else:
        net = nn.Sequential(
            nn.Conv2d(1, 32, 3, 1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, 1), nn.ReLU(),
            nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
            nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(128, 10))
        shape = (1, 28, 28)
    for m in net:
        if isinstance(m, (nn.Linear, nn.Conv2d)):  # He initialization and zero bias, like Kiln's default
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return net, shape


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--data", default=os.path.expanduser("~/.kiln/datasets/mnist"))
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N images only (0 = all), for quick checks")
    ap.add_argument("--epochs", type=int, default=1,
                    help="epochs to train; the first is PYTORCH_EPOCH_SECONDS, the median of the others PYTORCH_LATER_SECONDS")
    ap.add_argument("--mean", type=float, default=0.0, help="subtracted from the 0-1 pixels")
    ap.add_argument("--std", type=float, default=1.0, help="divides the 0-1 pixels after the mean")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model, shape = build(args.model)
    x_train, y_train = load(args.data, "train", shape, args.mean, args.std)
    x_test, y_test = load(args.data, "t10k", shape, args.mean, args.std)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    if args.limit > 0:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    n = x_train.shape[0]
    model.train()
    epoch_seconds = []
    for _ in range(args.epochs):
        order = torch.randperm(n)
        loss_sum, batches = 0.0, 0
        t0 = time.perf_counter()
        for start in range(0, n, args.batch):
            idx = order[start:start + args.batch]
            xb, yb = x_train[idx], y_train[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            batches += 1
        epoch_seconds.append(time.perf_counter() - t0)
    seconds = epoch_seconds[0]

    model.eval()
    with torch.no_grad():
        # in slices: the CNN's activations of all 10,000 test images at once would take gigabytes
        correct = sum((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
                      for i in range(0, x_test.shape[0], 1000))
        accuracy = correct / x_test.shape[0]

    print(f"PyTorch {torch.__version__}, model {args.model}, torch threads {torch.get_num_threads()} "
          f"(interop {torch.get_num_interop_threads()}), batch {args.batch}, {n} images")
    for line in torch.__config__.show().splitlines():
        if "BLAS_INFO" in line:
            info = [s.strip() for s in line.split(",") if "BLAS_INFO" in s or "LAPACK_INFO" in s or "USE_MKLDNN" in s]
            print("PyTorch build: " + ", ".join(i.replace("- Build settings: ", "") for i in info))
        elif "CPU capability" in line:
            print("PyTorch" + line.strip().lstrip("-"))
    # The CNN's convolutions run on oneDNN when PyTorch has it (Debian's build does), not on the BLAS.
    print(f"oneDNN (mkldnn) for convolutions: available {torch.backends.mkldnn.is_available()}, "
          f"enabled {torch.backends.mkldnn.enabled}")
    print("BLAS libraries loaded: " + (", ".join(loaded_libraries(["blas", "lapack", "mkl", "dnnl"])) or "none"))
    print(f"LD_LIBRARY_PATH={os.environ.get('LD_LIBRARY_PATH', '')}")
    print(f"PyTorch epoch: {seconds:.2f} s training pass, {n / seconds:.0f} images/s, "
          f"train loss {loss_sum / batches:.4f} (last epoch), test accuracy {accuracy:.4f} (not timed)")
    print(f"PYTORCH_EPOCH_SECONDS={seconds:.3f}")
    if len(epoch_seconds) > 1:
        print("PyTorch epochs: " + ", ".join(f"{s:.3f}" for s in epoch_seconds) + " s")
        print(f"PYTORCH_LATER_SECONDS={statistics.median(epoch_seconds[1:]):.3f}")


if __name__ == "__main__":
    main()
