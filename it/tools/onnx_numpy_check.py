"""An ONNX consumer independent of Kiln and ONNX Runtime: onnx's checker, then the graph
evaluated operator by operator with NumPy, on an IDX test set. Prints the accuracy.

Usage: python3 onnx_numpy_check.py MODEL.onnx TEST-IMAGES TEST-LABELS
Needs Debian's python3-onnx and python3-numpy. Covers the operators Kiln exports.
"""
import gzip
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def read_idx(path):
    data = open(path, 'rb').read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def windows(x, kh, kw, sh, sw, pads, fill):
    """[N,C,H,W] -> [N,C,OH,OW,kh,kw] views of the padded input."""
    t, l, b, r = pads[0], pads[1], pads[2], pads[3]
    x = np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=fill)
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(x, (n, c, oh, ow, kh, kw),
                                           (s[0], s[1], s[2] * sh, s[3] * sw, s[2], s[3]))


def run(model, x):
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env = {model.graph.input[0].name: x}
    for n in model.graph.node:
        a = [env[i] if i in env else inits[i] for i in n.input]
        at = {p.name: onnx.helper.get_attribute_value(p) for p in n.attribute}
        op = n.op_type
        if op == 'Mul': r = a[0] * a[1]
        elif op == 'Add': r = a[0] + a[1]
        elif op == 'Identity': r = a[0]
        elif op == 'Flatten': r = a[0].reshape(a[0].shape[0], -1)
        elif op == 'Gemm':
            A = a[0].T if at.get('transA', 0) else a[0]
            B = a[1].T if at.get('transB', 0) else a[1]
            r = at.get('alpha', 1.0) * (A @ B) + at.get('beta', 1.0) * a[2]
        elif op == 'Relu': r = np.maximum(a[0], 0)
        elif op == 'LeakyRelu': r = np.where(a[0] > 0, a[0], at.get('alpha', 0.01) * a[0])
        elif op == 'Tanh': r = np.tanh(a[0])
        elif op == 'Sigmoid': r = 1 / (1 + np.exp(-a[0]))
        elif op == 'Softmax':
            ax = at.get('axis', -1)
            e = np.exp(a[0] - a[0].max(axis=ax, keepdims=True))
            r = e / e.sum(axis=ax, keepdims=True)
        elif op == 'Conv':
            w = a[1]
            f, c, kh, kw = w.shape
            st = at.get('strides', [1, 1]); pd = at.get('pads', [0, 0, 0, 0])
            win = windows(a[0], kh, kw, st[0], st[1], pd, 0.0)
            r = np.einsum('nchwij,fcij->nfhw', win, w, optimize=True)
            if len(a) > 2: r = r + a[2].reshape(1, -1, 1, 1)
        elif op in ('MaxPool', 'AveragePool'):
            kh, kw = at['kernel_shape']
            st = at.get('strides', [1, 1]); pd = at.get('pads', [0, 0, 0, 0])
            if op == 'MaxPool':
                r = windows(a[0], kh, kw, st[0], st[1], pd, -np.inf).max(axis=(4, 5))
            else:
                s = windows(a[0], kh, kw, st[0], st[1], pd, 0.0).sum(axis=(4, 5))
                if at.get('count_include_pad', 0):
                    r = s / (kh * kw)
                else:
                    ones = np.ones((1, 1) + a[0].shape[2:], dtype=np.float32)
                    r = s / windows(ones, kh, kw, st[0], st[1], pd, 0.0).sum(axis=(4, 5))
        elif op == 'GlobalAveragePool': r = a[0].mean(axis=(2, 3), keepdims=True)
        elif op == 'BatchNormalization':
            X, g, b, m, v = a
            shape = (1, -1) + (1,) * (X.ndim - 2)
            r = (X - m.reshape(shape)) / np.sqrt(v.reshape(shape) + at.get('epsilon', 1e-5)) * g.reshape(shape) + b.reshape(shape)
        else:
            raise SystemExit('unsupported operator ' + op)
        env[n.output[0]] = r.astype(np.float32)
    return env[model.graph.output[0].name]


def main():
    model_path, images_path, labels_path = sys.argv[1:4]
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    x = read_idx(images_path).astype(np.float32).reshape(-1, 1, 28, 28)
    y = read_idx(labels_path)
    pred = np.concatenate([run(model, x[i:i + 500]).argmax(1) for i in range(0, len(y), 500)])
    meta = {e.key: e.value for e in model.metadata_props}
    print('%s: opset %d, IR %d, producer %s %s; NumPy accuracy %.4f on %d images; recorded %s' % (
        model_path, model.opset_import[0].version, model.ir_version, model.producer_name, model.producer_version,
        (pred == y).mean(), len(y), meta.get('kiln.testAccuracy')))


if __name__ == '__main__':
    main()
