package io.hangcheck.agent;

import io.hangcheck.agent.config.AgentConfig;
import io.hangcheck.agent.config.ConfigException;

import java.util.Arrays;
import java.util.Map;

/**
 * {@code java -jar hangcheck-host-agent.jar [flags]} runs the heartbeat agent of this host. Exit codes: 0 done,
 * 1 failure, 2 bad configuration. The fleet simulator is a jar of its own (module fleet-simulator).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.getenv()));
    }

    static int run(String[] argv, Map<String, String> env) {
        if (Arrays.asList(argv).contains("--simulate")) {
            System.err.println("hangcheck: --simulate: the fleet simulator is a jar of its own now: "
                    + "java -jar fleet-simulator/target/hangcheck-fleet-simulator-*.jar [flags] (--help)");
            return 2;
        }
        if (Arrays.asList(argv).contains("--help")) {
            System.out.print(AgentConfig.USAGE);
            return 0;
        }
        Log.quiet(Arrays.asList(argv).contains("--quiet"));
        try {
            return agent(argv, env);
        } catch (ConfigException e) {
            System.err.println("hangcheck: " + e.getMessage() + " (see --help)");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            Log.error(e.toString());
            return 1;
        }
    }

    private static int agent(String[] argv, Map<String, String> env) throws InterruptedException {
        AgentConfig config = AgentConfig.from(argv, env);
        config.missingCredentials().forEach(Log::warn);
        HeartbeatAgent agent = HeartbeatAgent.create(config);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            main.interrupt();
            try {
                main.join(3_000);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "hangcheck-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.run();
        } catch (InterruptedException e) {
            // SIGTERM / Ctrl-C: close the socket and go
        } finally {
            agent.close();
            Log.info("agent stopped: " + agent.stats());
            try {
                // Done by itself (--count): the hook must not wait for this thread, which is about to call exit.
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running and waits for us: we are done
            }
        }
        return agent.stats().beats.get() > 0 && agent.stats().lost.get() == agent.stats().beats.get() ? 1 : 0;
    }
}
