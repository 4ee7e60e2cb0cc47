package dev.kiln.train;

import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.OptimizerState;
import dev.kiln.report.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Everything a run needs to continue after a completed epoch exactly as if it had never stopped:
 * every parameter and state tensor, the optimizer's state, the per-epoch measurements so far, and
 * what the run was made from (spec, dataset digests, Kiln version), so a checkpoint is never
 * applied to another run.
 *
 * <p>File layout ({@code <outputDir>/<name>.ckpt}), big-endian:
 * <pre>
 * "KILNCKPT"  8 bytes magic
 * int         format version ({@value #VERSION})
 * payload     fingerprint, canonical spec text, Kiln version, kernels, dataset SHA-256 by role,
 *             completed epoch, tensors (name, length, floats), optimizer (name, steps, tensors),
 *             epoch stats (epoch and five doubles each); strings as int length + UTF-8
 * long        payload length in bytes
 * int         CRC32 of the payload
 * </pre>
 * A file that is truncated, has another length or fails the CRC is refused as a whole; nothing is
 * restored from it. The shuffle order and dropout masks derive from the seed and the epoch or
 * step, so they need no saving.
 *
 * @param fingerprint   the spec fingerprint ({@link dev.kiln.spec.TrainingSpec#fingerprint()})
 * @param canonicalSpec the spec's {@link dev.kiln.spec.TrainingSpec#canonicalModelText()}, to name what changed
 * @param kilnVersion   the runtime version that wrote it
 * @param kernels       the kernels in use ({@code vector}, {@code scalar}); they round differently
 * @param datasetSha256 SHA-256 of each dataset file by role
 * @param epoch         the last completed epoch, 1-based
 * @param tensors       parameters then state tensors, by name, in network order
 * @param optimizer     the optimizer's state after the epoch
 * @param epochs        the measurements of epochs 1..{@code epoch}
 */
public record Checkpoint(String fingerprint, String canonicalSpec, String kilnVersion, String kernels,
                         Map<String, String> datasetSha256, int epoch, Map<String, float[]> tensors,
                         OptimizerState optimizer, List<EpochStats> epochs) {

    /** The format version this runtime writes and reads. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = "KILNCKPT".getBytes(StandardCharsets.US_ASCII);

    /** Longest string accepted on reading; guards against a crafted length allocating gigabytes. */
    private static final int MAX_STRING = 1 << 24;

    /** Copies the maps and list, keeping their order. */
    public Checkpoint {
        datasetSha256 = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(datasetSha256));
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        epochs = List.copyOf(epochs);
    }

    /** The file name of a model's checkpoint in its output folder. */
    public static Path file(Path outputDir, String modelName) {
        return outputDir.resolve(modelName + ".ckpt");
    }

    /**
     * Writes {@code net} and {@code optimizer} to {@code file} without copying the network's
     * tensors, atomically: a reader sees the previous checkpoint or this one, never a mix.
     */
    public static void write(Path file, String fingerprint, String canonicalSpec, String kilnVersion, String kernels,
                             Map<String, String> datasetSha256, int epoch, Network net, Optimizer optimizer,
                             List<EpochStats> epochs) throws IOException {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) {
            tensors.put(p.name(), p.value());
        }
        for (Parameter p : net.state()) {
            tensors.put(p.name(), p.value());
        }
        new Checkpoint(fingerprint, canonicalSpec, kilnVersion, kernels, datasetSha256, epoch, tensors,
                optimizer.exportState(), epochs).write(file);
    }

    /** Writes this checkpoint to {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, this::writeTo);
    }

    private void writeTo(OutputStream out) throws IOException {
        DataOutputStream head = new DataOutputStream(out);
        head.write(MAGIC);
        head.writeInt(VERSION);
        CRC32 crc = new CRC32();
        CountingOutputStream counted = new CountingOutputStream(new CheckedOutputStream(out, crc));
        // buffered above the CRC and the count, so they see chunks rather than single bytes
        DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(counted, 1 << 16));
        string(d, fingerprint);
        string(d, canonicalSpec);
        string(d, kilnVersion);
        string(d, kernels);
        d.writeInt(datasetSha256.size());
        for (Map.Entry<String, String> e : datasetSha256.entrySet()) {
            string(d, e.getKey());
            string(d, e.getValue());
        }
        d.writeInt(epoch);
        d.writeInt(tensors.size());
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            tensor(d, e.getKey(), e.getValue());
        }
        string(d, optimizer.optimizer());
        d.writeLong(optimizer.steps());
        d.writeInt(optimizer.tensors().size());
        for (Map.Entry<String, float[]> e : optimizer.tensors().entrySet()) {
            tensor(d, e.getKey(), e.getValue());
        }
        d.writeInt(epochs.size());
        for (EpochStats s : epochs) {
            d.writeInt(s.epoch());
            d.writeDouble(s.seconds());
            d.writeDouble(s.imagesPerSecond());
            d.writeDouble(s.trainLoss());
            d.writeDouble(s.testLoss());
            d.writeDouble(s.testAccuracy());
        }
        d.flush();
        head.writeLong(counted.count);
        head.writeInt((int) crc.getValue());
        head.flush();
    }

    /**
     * Reads and verifies a checkpoint.
     *
     * @throws CheckpointException when the file is missing, unreadable, truncated, corrupt (CRC), or
     *                             of another format version
     */
    public static Checkpoint read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("No checkpoint at " + file, e);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read the checkpoint " + file + ": " + e.getMessage(), e);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream head = new DataInputStream(in);
            byte[] magic = new byte[MAGIC.length];
            head.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw corrupt(file, "it is not a Kiln checkpoint (bad magic)");
            }
            int version = head.readInt();
            if (version != VERSION) {
                throw corrupt(file, "its format version is " + version + ", this Kiln reads version " + VERSION);
            }
            long payload = size - MAGIC.length - 4 - 8 - 4;
            if (payload < 0) {
                throw corrupt(file, "it is truncated (" + size + " bytes)");
            }
            CRC32 crc = new CRC32();
            // bounded to the payload, so a damaged length inside cannot read the trailer as data
            DataInputStream d = new DataInputStream(new BufferedInputStream(
                    new CheckedInputStream(new BoundedInputStream(in, payload), crc), 1 << 16));
            String fingerprint = string(d);
            String canonical = string(d);
            String version2 = string(d);
            String kernels = string(d);
            int roles = count(d, 64);
            Map<String, String> sha = new LinkedHashMap<>();
            for (int i = 0; i < roles; i++) {
                sha.put(string(d), string(d));
            }
            int epoch = d.readInt();
            int n = count(d, 1 << 20);
            Map<String, float[]> tensors = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = string(d);
                tensors.put(name, floats(d, payload));
            }
            String optName = string(d);
            long steps = d.readLong();
            int on = count(d, 1 << 20);
            Map<String, float[]> optTensors = new LinkedHashMap<>();
            for (int i = 0; i < on; i++) {
                String name = string(d);
                optTensors.put(name, floats(d, payload));
            }
            int en = count(d, 1 << 20);
            List<EpochStats> stats = new ArrayList<>();
            for (int i = 0; i < en; i++) {
                stats.add(new EpochStats(d.readInt(), d.readDouble(), d.readDouble(), d.readDouble(), d.readDouble(),
                        d.readDouble()));
            }
            if (d.read() != -1) {
                throw corrupt(file, "its payload has trailing bytes");
            }
            long recordedLength = head.readLong();
            int recordedCrc = head.readInt();
            if (in.read() != -1) {
                throw corrupt(file, "it has bytes after the checksum");
            }
            if (recordedLength != payload || recordedCrc != (int) crc.getValue()) {
                throw corrupt(file, "its checksum does not match its content (a torn or damaged file)");
            }
            return new Checkpoint(fingerprint, canonical, version2, kernels, sha, epoch, tensors,
                    new OptimizerState(optName, steps, optTensors), stats);
        } catch (EOFException e) {
            throw corrupt(file, "it is truncated");
        } catch (IOException e) {
            throw new CheckpointException("Cannot read the checkpoint " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // only a damaged file gets here (bad UTF-8 or counts); the CRC would have failed later
            throw corrupt(file, e.getMessage());
        }
    }

    /**
     * Why this checkpoint cannot continue a run of {@code fingerprint} on data with
     * {@code datasetSha256} with Kiln {@code kilnVersion}, or {@code null} when it can. A changed
     * configuration is named key by key ({@code epochs 3 -> 4}).
     */
    public String mismatch(String fingerprint, String canonicalSpec, Map<String, String> datasetSha256,
                           String kilnVersion) {
        if (!this.fingerprint.equals(fingerprint)) {
            String changes = diff(this.canonicalSpec, canonicalSpec);
            return "it was written for spec fingerprint " + this.fingerprint + ", this run's is " + fingerprint
                    + (changes.isEmpty() ? "" : " (" + changes + ")");
        }
        if (!this.datasetSha256.equals(datasetSha256)) {
            return "the dataset files changed since it was written (SHA-256 " + this.datasetSha256 + " then, "
                    + datasetSha256 + " now)";
        }
        if (!Objects.equals(this.kilnVersion, kilnVersion)) {
            return "it was written by Kiln " + this.kilnVersion + ", this is Kiln " + kilnVersion;
        }
        return null;
    }

    /**
     * Copies the tensors into {@code net} and the optimizer state into {@code optimizer}.
     * Everything is checked before anything is copied.
     *
     * @throws CheckpointException naming {@code file} when a tensor is missing or has another size
     */
    public void restore(Network net, Optimizer optimizer, Path file) {
        List<Parameter> all = new ArrayList<>(net.parameters());
        all.addAll(net.state());
        for (Parameter p : all) {
            float[] v = tensors.get(p.name());
            if (v == null || v.length != p.size()) {
                throw new CheckpointException("Cannot resume from " + file + ": the tensor " + p.name() + " is "
                        + (v == null ? "missing" : "of size " + v.length + ", the network's " + p.size()));
            }
        }
        if (tensors.size() != all.size()) {
            throw new CheckpointException("Cannot resume from " + file + ": it holds " + tensors.size()
                    + " tensors, the network " + all.size());
        }
        try {
            optimizer.importState(optimizer());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("Cannot resume from " + file + ": " + e.getMessage(), e);
        }
        for (Parameter p : all) {
            System.arraycopy(tensors.get(p.name()), 0, p.value(), 0, p.size());
        }
    }

    /** {@code key old -> new} for each line of two {@code key=value} texts that differs. */
    static String diff(String before, String after) {
        TreeMap<String, String> a = lines(before);
        TreeMap<String, String> b = lines(after);
        List<String> out = new ArrayList<>();
        TreeMap<String, String> keys = new TreeMap<>(a);
        keys.putAll(b);
        for (String k : keys.keySet()) {
            String x = a.get(k);
            String y = b.get(k);
            if (!Objects.equals(x, y)) {
                out.add(k + " " + (x == null ? "(none)" : x) + " -> " + (y == null ? "(none)" : y));
            }
        }
        return String.join(", ", out);
    }

    private static TreeMap<String, String> lines(String text) {
        TreeMap<String, String> m = new TreeMap<>();
        for (String line : (text == null ? "" : text).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    private static CheckpointException corrupt(Path file, String why) {
        return new CheckpointException("The checkpoint " + file + " cannot be used: " + why
                + "; delete it to train from the start");
    }

    private static void string(DataOutputStream d, String s) throws IOException {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }

    private static String string(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > MAX_STRING) {
            throw new IllegalArgumentException("a string length of " + n + " is impossible");
        }
        byte[] b = new byte[n];
        d.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int count(DataInputStream d, int max) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("a count of " + n + " is impossible");
        }
        return n;
    }

    private static void tensor(DataOutputStream d, String name, float[] v) throws IOException {
        string(d, name);
        d.writeInt(v.length);
        for (float f : v) {
            d.writeFloat(f);
        }
    }

    private static float[] floats(DataInputStream d, long payload) throws IOException {
        int n = d.readInt();
        // a length beyond what the file holds is damage, not a reason to allocate
        if (n < 0 || (long) n * 4 > payload) {
            throw new IllegalArgumentException("a tensor length of " + n + " is impossible");
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = d.readFloat();
        }
        return v;
    }

    /** Counts payload bytes for the trailer. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Reads at most {@code limit} bytes, then reports end of stream. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int r = in.read(b, off, (int) Math.min(len, left));
            if (r > 0) {
                left -= r;
            }
            return r;
        }

        @Override
        public void close() {
            // the caller closes the underlying stream
        }
    }
}
