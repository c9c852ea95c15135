import io.hangcheck.sockets.domain.BudgetModel;
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
 *        java -cp target/classes bench/ScanBenchmark.java real [ITERATIONS]
 */
public class ScanBenchmark {
    public static void main(String[] args) throws Exception {
        System.out.printf("process launch: %s%n", System.getProperty("jdk.lang.Process.launchMechanism", "default"));
        if (args[0].equals("real")) {
            real(args.length > 1 ? Integer.parseInt(args[1]) : 30);
            return;
        }
        Path root = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        ProcNetTcpParser parser = new ProcNetTcpParser();
        ProcNetTcpParser sequential = new ProcNetTcpParser(false);
        SocketTable table = new SocketTable(1 << 17);
        SocketTable sequentialTable = new SocketTable(1 << 17);
        StuckTracker stuck = new StuckTracker(List.of(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1)));
        byte[] buf = new byte[128 << 10]; // the parser's chunk size
        for (int i = 0; i < 20; i++) { // warm-up: let the JIT compile the hot loops
            parser.scan(root, table);
            sequential.scan(root, sequentialTable);
            TableAggregate.of(table, 20, 20, Set.of());
            stuck.update(table, i * 15_000L, names(TableAggregate.of(table, 20, 20, Set.of())), Duration.ofMinutes(2));
            BudgetModel.count(table, Set.of());
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
        long[] parseSequential = new long[n];
        long[] aggregate = new long[n];
        long[] ageing = new long[n];
        long[] budgets = new long[n];
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
            long s0 = System.nanoTime();
            sequential.scan(root, sequentialTable);
            long s1 = System.nanoTime();
            long t3 = System.nanoTime();
            parser.scan(root, table);
            long t4 = System.nanoTime();
            parseSequential[i] = s1 - s0;
            TableAggregate a = TableAggregate.of(table, 20, 20, Set.of());
            long t5 = System.nanoTime();
            stuck.update(table, (20 + i) * 15_000L, names(a), Duration.ofMinutes(2));
            long t6 = System.nanoTime();
            BudgetModel.count(table, Set.of());
            long t7 = System.nanoTime();
            cat[i] = t1 - t0;
            spawn[i] = t2 - t1;
            read[i] = s0 - t2;
            parse[i] = t4 - t3;
            aggregate[i] = t5 - t4;
            ageing[i] = t6 - t5;
            budgets[i] = t7 - t6;
            full[i] = t7 - t3;
            ratio[i] = (double) parse[i] / cat[i];
            ratioNoSpawn[i] = (double) parse[i] / Math.max(1, cat[i] - spawn[i]);
            sockets = a.total();
        }
        System.out.printf("sockets=%d rejected=%d rounds=%d%n", sockets, table.rejected(), n);
        print("cat_fixture", cat);
        print("spawn_true", spawn);
        print("java_read_only", read);
        print("java_read_parse", parse);
        print("java_read_parse_one_thread", parseSequential);
        print("java_aggregate", aggregate);
        print("java_ageing", ageing);
        print("java_budget_model", budgets);
        print("java_read_parse_aggregate_age_budgets", full);
        Arrays.sort(ratio);
        Arrays.sort(ratioNoSpawn);
        System.out.printf("ratio_read_parse_over_cat median=%.2f (target <= 1.5; tcp and tcp6 read at once on %d cores)%n",
                ratio[n / 2], Runtime.getRuntime().availableProcessors());
        double[] ratioSequential = new double[n];
        for (int i = 0; i < n; i++) {
            ratioSequential[i] = (double) parseSequential[i] / cat[i];
        }
        Arrays.sort(ratioSequential);
        System.out.printf("ratio_read_parse_one_thread_over_cat median=%.2f%n", ratioSequential[n / 2]);
        // The one-thread figure is also what the parallel scan costs in CPU: the same work, split across two threads.
        System.out.printf("ratio_read_parse_over_cat_minus_process_start median=%.2f%n", ratioNoSpawn[n / 2]);
    }

    /** The aggregate's top-K peers: the ones the ageing counts by name, as the monitor passes them. */
    private static Set<String> names(TableAggregate a) {
        Set<String> names = new java.util.HashSet<>();
        a.peers().forEach(g -> names.add(g.key()));
        return names;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }

    /**
     * Times `cat /proc/net/tcp /proc/net/tcp6` (a child process, as in the shell) against the monitor's read +
     * parse of the same files, alternating, on this machine's real table (run.sh makes it large with
     * hold_connections.py, in another process so that this JVM's descriptors do not slow down each `cat`).
     */
    private static void real(int n) throws Exception {
        Path proc = Path.of("/proc");
        ProcNetTcpParser parser = new ProcNetTcpParser();
        ProcNetTcpParser sequential = new ProcNetTcpParser(false);
        SocketTable table = new SocketTable(1 << 16);
        for (int i = 0; i < 10; i++) {
            parser.scan(proc, table);
            sequential.scan(proc, table);
            run("cat", "/proc/net/tcp", "/proc/net/tcp6");
        }
        long[] cat = new long[n];
        long[] parse = new long[n];
        long[] parseSequential = new long[n];
        double[] ratio = new double[n];
        double[] ratioSequential = new double[n];
        int v4 = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            run("cat", "/proc/net/tcp", "/proc/net/tcp6");
            long t1 = System.nanoTime();
            parser.scan(proc, table);
            long t2 = System.nanoTime();
            v4 = 0;
            for (int r = 0; r < table.size(); r++) {
                v4 += table.family(r) == 4 ? 1 : 0;
            }
            long t3 = System.nanoTime();
            sequential.scan(proc, table);
            long t4 = System.nanoTime();
            cat[i] = t1 - t0;
            parse[i] = t2 - t1;
            parseSequential[i] = t4 - t3;
            ratio[i] = (double) parse[i] / cat[i];
            ratioSequential[i] = (double) parseSequential[i] / cat[i];
        }
        Arrays.sort(ratio);
        Arrays.sort(ratioSequential);
        System.out.printf("real_sockets=%d (tcp %d, tcp6 %d) rejected=%d%n", table.size(), v4, table.size() - v4,
                table.rejected());
        print("cat_real_proc", cat);
        print("java_read_parse_real_proc", parse);
        print("java_read_parse_one_thread_real_proc", parseSequential);
        System.out.printf("ratio_read_parse_over_cat_real_proc median=%.2f (target <= 1.5)%n", ratio[n / 2]);
        System.out.printf("ratio_read_parse_one_thread_over_cat_real_proc median=%.2f%n", ratioSequential[n / 2]);
    }

    private static void readOnly(Path root, byte[] buf) throws Exception {
        for (String f : new String[]{"net/tcp", "net/tcp6"}) { // as the parser reads: chunk by chunk, one buffer
            try (InputStream in = Files.newInputStream(root.resolve(f))) {
                while (in.read(buf, 0, buf.length) > 0) {
                    // discard
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
