package io.hangcheck.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts in their own network namespaces, each joined to this machine by a veth pair, and an nftables rule that
 * cuts one off: a real network partition of real processes. Needs root, {@code ip} (iproute2) and {@code nft}
 * (nftables); {@link #unavailableBecause()} says why it cannot run here.
 *
 * <p>Namespace {@code i} is {@code hc7-<pid>-<i>}; the machine's end of its veth has {@code 10.<a>.<b>.<4i+1>/30}
 * and the namespace's end {@code .<4i+2>}, with {@code a.b} taken from this JVM's pid so two runs on one
 * machine do not collide. The partition is an nftables table inside the namespace that drops everything the
 * namespace sends to the machine, so deleting the namespace deletes the rule with it. {@link #close()} (also
 * run by a shutdown hook) stops the processes and deletes every namespace this object made, whatever happened.
 */
final class NetworkPartition implements AutoCloseable {
    private static final String TABLE = "hc7partition";

    private final long pid = ProcessHandle.current().pid();
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> hostLinks = new ArrayList<>();
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanUp, "network-partition-cleanup");
    private boolean closed;

    NetworkPartition() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Null when namespaces, veth pairs and nftables can be used here; else the reason. */
    static String unavailableBecause() {
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            if (!status.matches("(?s).*\\nUid:\\s+0\\s.*")) {
                return "not root: network namespaces and nftables need root";
            }
        } catch (IOException e) {
            return "cannot read /proc/self/status: " + e.getMessage();
        }
        for (String t : List.of("ip", "nft")) {
            if (!onPath(t)) {
                return "'" + t + "' is not installed (apt-get install -y iproute2 nftables)";
            }
        }
        String probe = "hc7-probe-" + ProcessHandle.current().pid();
        try {
            run("ip", "netns", "add", probe);
            run("ip", "netns", "exec", probe, "nft", "add", "table", "inet", TABLE);
            return null;
        } catch (IOException e) {
            return "network namespaces or nftables not usable here: " + e.getMessage();
        } finally {
            quietly("ip", "netns", "del", probe);
        }
    }

    /** The subnet octets of this run: 10.a.b.0/24. */
    private String prefix() {
        return "10." + (100 + pid % 100) + "." + (pid / 100 % 250) + ".";
    }

    /** Makes namespace {@code i} (0..62) and its veth pair; returns the namespace's name. */
    String addNamespace(int i) throws IOException {
        String ns = "hc7-" + pid + "-" + i;
        String hostSide = "h7" + (pid % 100_000) + "m" + i;
        String nsSide = "h7" + (pid % 100_000) + "n" + i;
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide, "netns", ns);
        hostLinks.add(hostSide);
        run("ip", "addr", "add", machineAddress(i) + "/30", "dev", hostSide);
        run("ip", "link", "set", hostSide, "up");
        run("ip", "netns", "exec", ns, "ip", "addr", "add", namespaceAddress(i) + "/30", "dev", nsSide);
        run("ip", "netns", "exec", ns, "ip", "link", "set", nsSide, "up");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    /** The machine's end of namespace {@code i}'s veth: where processes inside reach the services. */
    String machineAddress(int i) {
        return prefix() + (4 * i + 1);
    }

    String namespaceAddress(int i) {
        return prefix() + (4 * i + 2);
    }

    /** A process started inside namespace {@code i} ({@code ip netns exec} execs it: the pid is the program's). */
    ServiceProcess startIn(int i, String name, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tool("ip"), "netns", "exec", "hc7-" + pid + "-" + i));
        cmd.addAll(command);
        ServiceProcess p = ServiceProcess.command(name, cmd).start();
        processes.add(p);
        return p;
    }

    /** From now on namespace {@code i} sends nothing to the machine (every packet dropped by nftables). */
    void cut(int i) throws IOException {
        String ns = "hc7-" + pid + "-" + i;
        run("ip", "netns", "exec", ns, "nft", "add", "table", "inet", TABLE);
        run("ip", "netns", "exec", ns, "nft", "add", "chain", "inet", TABLE, "out",
                "{ type filter hook output priority 0 ; policy accept ; }");
        run("ip", "netns", "exec", ns, "nft", "add", "rule", "inet", TABLE, "out", "ip", "daddr", machineAddress(i), "counter", "drop");
    }

    /** The partition of namespace {@code i} is lifted. */
    void heal(int i) throws IOException {
        run("ip", "netns", "exec", "hc7-" + pid + "-" + i, "nft", "delete", "table", "inet", TABLE);
    }

    /** Packets the partition rule of namespace {@code i} dropped so far (from {@code nft list table}). */
    long dropped(int i) {
        try {
            String out = run("ip", "netns", "exec", "hc7-" + pid + "-" + i, "nft", "list", "table", "inet", TABLE);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("packets ([0-9]+)").matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (ServiceProcess p : processes) {
            try {
                p.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            quietly("ip", "netns", "del", ns);
        }
        for (String link : hostLinks) {
            quietly("ip", "link", "del", link); // normally gone with its peer's namespace
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    /** The tool's absolute path when it is in a usual directory (the test JVM's PATH may lack the sbin ones). */
    private static String tool(String name) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        return name;
    }

    private static String run(String... cmd) throws IOException {
        String[] resolved = cmd.clone();
        resolved[0] = tool(resolved[0]);
        if (resolved.length > 4 && resolved[1].equals("netns") && resolved[2].equals("exec")) {
            resolved[4] = tool(resolved[4]); // the program run inside the namespace
        }
        Process p = new ProcessBuilder(resolved).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no answer within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + out.trim());
        }
        return out;
    }

    private static void quietly(String... cmd) {
        try {
            run(cmd);
        } catch (IOException ignored) {
            // cleaning up what may already be gone
        }
    }
}
