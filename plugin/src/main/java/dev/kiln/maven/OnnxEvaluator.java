package dev.kiln.maven;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.kiln.data.ImageSet;
import dev.kiln.train.Evaluation;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs an ONNX model with ONNX Runtime over a test set and counts what it gets right. Knows
 * nothing of Maven: {@link EvaluateMojo} turns its {@link EvaluationException}s into build errors.
 */
final class OnnxEvaluator {

    /**
     * What the model did on the test set.
     *
     * @param inputName  the model's first input, which was fed
     * @param inputShape its declared shape, {@code -1} for symbolic dimensions
     * @param outputName the output read (the first)
     * @param classes    scores per image in that output
     * @param accuracy   fraction of images whose highest score is the label
     * @param confusion  counts {@code [true][predicted]}
     * @param predicted  the predicted class of each image
     * @param seconds    wall time of inference
     */
    record Result(String inputName, long[] inputShape, String outputName, int classes, double accuracy,
                  int[][] confusion, int[] predicted, double seconds) {
    }

    /** A model that cannot be evaluated as asked; {@code field} is the parameter to change. */
    static final class EvaluationException extends Exception {
        private final String field;

        EvaluationException(String field, String message) {
            super(message);
            this.field = field;
        }

        /** The POM parameter at fault ({@code model}, {@code layout}, ...). */
        String field() {
            return field;
        }
    }

    private OnnxEvaluator() {
    }

    /**
     * Evaluates {@code model} on every image of {@code test}.
     *
     * @param batchSize images per inference call when the model's batch dimension is symbolic;
     *                  a fixed batch dimension (common in exports without dynamic axes) wins
     * @throws EvaluationException for a file ONNX Runtime cannot load, an input that does not fit
     *                             the layout, or an output that cannot be class scores
     */
    static Result evaluate(Path model, ImageSet test, Preprocessing pre, int batchSize) throws EvaluationException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = createSession(env, model, options)) {
            Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
            if (!(input.getValue().getInfo() instanceof TensorInfo in) || in.type != OnnxJavaType.FLOAT) {
                throw new EvaluationException("model", "the model's input '" + input.getKey() + "' is "
                        + input.getValue().getInfo() + "; only float32 image tensors are supported");
            }
            long[] dims = in.getShape();
            int rows = test.rows();
            int cols = test.cols();
            if (!pre.layout().fits(dims, rows, cols)) {
                var fitting = Preprocessing.Layout.fitting(dims, rows, cols);
                throw new EvaluationException("layout", "the model's input '" + input.getKey() + "' has shape "
                        + Preprocessing.shape(dims) + ", which does not fit " + pre.layout().display() + " ("
                        + Preprocessing.shape(pre.layout().shape(-1, rows, cols)) + " for " + rows + "x" + cols
                        + " images); " + (fitting.isEmpty() ? "no layout fits (NCHW, NHWC or flat)"
                        : "use " + fitting.get(0).display()));
            }
            Map.Entry<String, NodeInfo> output = session.getOutputInfo().entrySet().iterator().next();
            if (!(output.getValue().getInfo() instanceof TensorInfo outInfo) || outInfo.type != OnnxJavaType.FLOAT) {
                throw new EvaluationException("model", "the model's output '" + output.getKey() + "' is "
                        + output.getValue().getInfo() + "; expected float32 class scores [N, classes]");
            }
            // a fixed batch dimension must be fed exactly; the last batch is padded with zeros
            int batch = dims[0] > 0 ? (int) dims[0] : Math.max(1, Math.min(batchSize, test.count()));
            boolean fixed = dims[0] > 0;
            int px = test.pixelsPerImage();
            float[] x = new float[batch * px];
            int[] predicted = new int[test.count()];
            int classes = -1;
            int[][] confusion = null;
            int correct = 0;
            long t0 = System.nanoTime();
            for (int start = 0; start < test.count(); start += batch) {
                int b = Math.min(batch, test.count() - start);
                int fed = fixed ? batch : b;
                java.util.Arrays.fill(x, 0f);
                pre.fill(test.pixels(), px, start, b, x);
                float[] scores;
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, fed * px),
                        pre.layout().shape(fed, rows, cols));
                     OrtSession.Result r = session.run(Map.of(input.getKey(), t))) {
                    OnnxValue v = r.get(0);
                    if (!(v instanceof OnnxTensor ot) || ot.getInfo().type != OnnxJavaType.FLOAT) {
                        throw new EvaluationException("model", "the model's output '" + output.getKey()
                                + "' is not a float32 tensor");
                    }
                    FloatBuffer fb = ot.getFloatBuffer();
                    scores = new float[fb.remaining()];
                    fb.get(scores);
                }
                if (scores.length % fed != 0 || scores.length / fed < 2) {
                    throw new EvaluationException("model", "the model's output '" + output.getKey() + "' holds "
                            + scores.length + " values for " + fed + " images; expected class scores [N, classes]");
                }
                int c = scores.length / fed;
                if (classes < 0) {
                    classes = c;
                    confusion = new int[c][c];
                }
                for (int i = 0; i < b; i++) {
                    int label = test.label(start + i);
                    if (label >= classes) {
                        throw new EvaluationException("dataset", "test image " + (start + i) + " has label " + label
                                + " but the model scores only " + classes + " classes");
                    }
                    int p = Evaluation.argmax(scores, i * c, c);
                    predicted[start + i] = p;
                    confusion[label][p]++;
                    if (p == label) {
                        correct++;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(input.getKey(), dims, output.getKey(), classes,
                    test.count() == 0 ? Double.NaN : (double) correct / test.count(),
                    confusion == null ? new int[0][0] : confusion, predicted, seconds);
        } catch (OrtException e) {
            throw new EvaluationException("model", "ONNX Runtime could not run " + model + ": " + e.getMessage());
        }
    }

    private static OrtSession createSession(OrtEnvironment env, Path model, OrtSession.SessionOptions options)
            throws EvaluationException {
        try {
            return env.createSession(model.toString(), options);
        } catch (OrtException e) {
            throw new EvaluationException("model", model + " cannot be loaded by ONNX Runtime: " + e.getMessage());
        }
    }

    /** The ONNX Runtime version on the class path, for reports. */
    static String runtimeVersion() {
        try {
            return OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }
}
