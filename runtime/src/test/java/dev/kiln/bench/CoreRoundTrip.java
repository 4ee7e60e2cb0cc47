package dev.kiln.bench;

import java.util.Locale;

/**
 * How long a cache line takes to go from one core to another and back: two threads pass a
 * volatile counter back and forth, and each window of 200,000 round trips prints its nanoseconds
 * per round trip. On the development VM it reads either ~50–90 ns or ~400–520 ns, changing within
 * seconds: how the host places the two vCPUs, which the epochs' spread follows in part (see
 * benchmarks.md). Run it beside a measurement to know which state the host was in.
 *
 * <p>{@code java -cp runtime/target/test-classes dev.kiln.bench.CoreRoundTrip [seconds=5]}: one
 * line every half second. Not a unit test.
 */
public final class CoreRoundTrip {

    private static final int ROUND_TRIPS = 200_000;
    /** Odd: the caller's turn is over, the echo thread's has come; negative: stop. */
    private static volatile int turn;

    private CoreRoundTrip() {
    }

    public static void main(String[] args) throws InterruptedException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        Thread echo = new Thread(CoreRoundTrip::echo, "echo");
        echo.setDaemon(true);
        echo.start();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            for (int i = 0; i < ROUND_TRIPS; i++) {
                int t = turn;
                turn = t + 1;
                while (turn == t + 1) {
                    Thread.onSpinWait();
                }
            }
            long ns = System.nanoTime() - t0;
            System.out.printf(Locale.ROOT, "%.0f ns per round trip%n", ns / (double) ROUND_TRIPS);
            Thread.sleep(500);
        }
        turn = -1;
    }

    /** Answers every odd turn with the next even one. */
    private static void echo() {
        while (true) {
            int t;
            while (((t = turn) & 1) == 0) {
                if (t < 0) {
                    return;
                }
                Thread.onSpinWait();
            }
            if (t < 0) {
                return;
            }
            turn = t + 1;
        }
    }
}
