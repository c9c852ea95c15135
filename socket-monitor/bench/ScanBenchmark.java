import io.hangcheck.sockets.domain.ProcNetTcpParser;
import io.hangcheck.sockets.domain.SocketTable;
import io.hangcheck.sockets.domain.StuckTracker;
import io.hangcheck.sockets.domain.TableAggregate;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Times the monitor's scan of a socket table against cat of the same files (see run.sh). Prints median and
 * best of N interleaved rounds after a warm-up, in milliseconds, and the median of the per-round ratios.
 * Usage: java -cp target/classes bench/ScanBenchmark.java PROC_ROOT [ITERATIONS]
 */
public class ScanBenchmark {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("real")) {
            real(Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 30);
            return;
        }
        Path root = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        ProcNetTcpParser parser = new ProcNetTcpParser();
        SocketTable table = new SocketTable(1 << 17);
        StuckTracker stuck = new StuckTracker(List.of(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1)));
        byte[] buf = new byte[32 << 20];
        for (int i = 0; i < 20; i++) { // warm-up: let the JIT compile the hot loops
            parser.scan(root, table);
            TableAggregate.of(table, 20, 20, Set.of());
            stuck.update(table, i * 15_000L, Set.of(), Duration.ofMinutes(2));
            readOnly(root, buf);
        }
        // Interleaved, so that cat and the monitor meet the same noise (the machine is shared): per round,
        // cat of the files (a child process, as from a shell), /bin/true (the cost of starting a process),
        // the monitor's read only, read + parse, read + parse + aggregate + ageing.
        String[] catFiles = {"cat", root.resolve("net/tcp").toString(), root.resolve("net/tcp6").toString()};
        long[] cat = new long[n];
        long[] spawn = new long[n];
        long[] read = new long[n];
        long[] parse = new long[n];
        long[] full = new long[n];
        double[] ratio = new double[n];
        double[] ratioNoSpawn = new double[n];
        int sockets = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            run(catFiles);
            long t1 = System.nanoTime();
            run("true");
            long t2 = System.nanoTime();
            readOnly(root, buf);
            long t3 = System.nanoTime();
            parser.scan(root, table);
            long t4 = System.nanoTime();
            parser.scan(root, table);
            TableAggregate a = TableAggregate.of(table, 20, 20, Set.of());
            stuck.update(table, (20 + i) * 15_000L, Set.of(), Duration.ofMinutes(2));
            long t5 = System.nanoTime();
            cat[i] = t1 - t0;
            spawn[i] = t2 - t1;
            read[i] = t3 - t2;
            parse[i] = t4 - t3;
            full[i] = t5 - t4;
            ratio[i] = (double) parse[i] / cat[i];
            ratioNoSpawn[i] = (double) parse[i] / Math.max(1, cat[i] - spawn[i]);
            sockets = a.total();
        }
        System.out.printf("sockets=%d rejected=%d rounds=%d%n", sockets, table.rejected(), n);
        print("cat_fixture", cat);
        print("spawn_true", spawn);
        print("java_read_only", read);
        print("java_read_parse", parse);
        print("java_read_parse_aggregate_age", full);
        Arrays.sort(ratio);
        Arrays.sort(ratioNoSpawn);
        System.out.printf("ratio_read_parse_over_cat median=%.2f (target <= 1.5)%n", ratio[n / 2]);
        System.out.printf("ratio_read_parse_over_cat_minus_process_start median=%.2f%n", ratioNoSpawn[n / 2]);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }

    /**
     * Opens {@code pairs} loopback connections (2 sockets each) so that this machine's real /proc/net/tcp6 is
     * large, then times `cat /proc/net/tcp /proc/net/tcp6` (a child process, as in the shell) against the
     * monitor's read + parse of the same files, alternating. Closes with RST (no TIME_WAIT left behind).
     */
    private static void real(int pairs, int n) throws Exception {
        java.util.List<java.net.Socket> open = new java.util.ArrayList<>();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1024,
                java.net.InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < pairs; i++) {
                java.net.Socket c = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort());
                open.add(c);
                open.add(server.accept());
            }
            Path proc = Path.of("/proc");
            ProcNetTcpParser parser = new ProcNetTcpParser();
            SocketTable table = new SocketTable(1 << 16);
            for (int i = 0; i < 10; i++) {
                parser.scan(proc, table);
                run("cat", "/proc/net/tcp", "/proc/net/tcp6");
            }
            long[] cat = new long[n];
            long[] parse = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                run("cat", "/proc/net/tcp", "/proc/net/tcp6");
                long t1 = System.nanoTime();
                parser.scan(proc, table);
                long t2 = System.nanoTime();
                cat[i] = t1 - t0;
                parse[i] = t2 - t1;
            }
            System.out.printf("real_sockets=%d (this test's %d + the machine's)%n", table.size(), 2 * pairs);
            print("cat_real_proc", cat);
            print("java_read_parse_real_proc", parse);
        } finally {
            for (java.net.Socket s : open) {
                s.setSoLinger(true, 0);
                s.close();
            }
        }
    }

    private static void readOnly(Path root, byte[] buf) throws Exception {
        for (String f : new String[]{"net/tcp", "net/tcp6"}) {
            try (InputStream in = Files.newInputStream(root.resolve(f))) {
                int len = 0;
                int r;
                while ((r = in.read(buf, len, buf.length - len)) > 0) {
                    len += r;
                }
            }
        }
    }

    private static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%s_ms median=%.2f best=%.2f%n", what, s[s.length / 2] / 1e6, s[0] / 1e6);
    }
}
