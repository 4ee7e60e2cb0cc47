package dev.kiln.train;

import dev.kiln.data.ImageSet;
import dev.kiln.nn.Network;

/** The class a network predicts for each image of a set: what the HTML report needs to show its mistakes. */
public final class Predictions {

    private Predictions() {
    }

    /** The argmax class of every image of {@code set}, evaluated in batches of {@code batchSize}. */
    public static int[] of(Network net, ImageSet set, int batchSize) {
        int classes = net.classes();
        int[] out = new int[set.count()];
        for (int start = 0; start < set.count(); start += batchSize) {
            int b = Math.min(batchSize, set.count() - start);
            float[] probs = net.predict(net.loadInput(set.pixels(), null, start, b), b);
            for (int r = 0; r < b; r++) {
                out[start + r] = Evaluation.argmax(probs, r * classes, classes);
            }
        }
        return out;
    }
}
