package io.hangcheck.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of this test alone (initdb + pg_ctl in a temporary directory, on a free port), so a
 * test can stop and start "the database" without touching the machine's server on 5432 that other tests use.
 * As root, the cluster belongs to the {@code postgres} user (initdb refuses root).
 */
final class PrivatePostgres implements AutoCloseable {
    private static final Path BIN = Path.of(System.getProperty("hangcheck.pg.bin", "/usr/lib/postgresql/15/bin"));

    private final Path dir;
    private final int port;
    private final boolean asPostgres;

    PrivatePostgres() throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException(BIN.resolve("initdb") + " not found: install PostgreSQL 15 (apt-get install postgresql-15)"
                    + " or point -Dhangcheck.pg.bin at its bin directory");
        }
        port = ServiceProcess.freePort();
        asPostgres = "root".equals(System.getProperty("user.name"));
        dir = Files.createTempDirectory("hangcheck-e2e-pg-");
        if (asPostgres) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        run(cmd(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync"));
    }

    PrivatePostgres start() throws Exception {
        run(cmd(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
        return this;
    }

    void stop() throws Exception {
        run(cmd(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60", "-m", "fast", "stop"));
    }

    boolean running() {
        try {
            run(cmd(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "status"));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Creates the database if missing and returns its JDBC URL. */
    String database(String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    }

    @Override
    public void close() throws Exception {
        try {
            if (running()) {
                stop();
            }
        } finally {
            run(List.of("rm", "-rf", dir.toString()));
        }
    }

    private List<String> cmd(String... args) {
        List<String> c = new ArrayList<>();
        if (asPostgres) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(args));
        return c;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
