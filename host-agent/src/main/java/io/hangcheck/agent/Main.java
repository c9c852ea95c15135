package io.hangcheck.agent;

import io.hangcheck.agent.agent.HeartbeatAgent;
import io.hangcheck.agent.config.AgentConfig;
import io.hangcheck.agent.config.ConfigException;
import io.hangcheck.agent.sim.FleetSimulator;
import io.hangcheck.agent.sim.SimConfig;

import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code java -jar hangcheck-host-agent.jar [flags]} runs the heartbeat agent of this host;
 * {@code --simulate} runs the fleet simulator instead. Exit codes: 0 done, 1 failure, 2 bad configuration.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.getenv()));
    }

    static int run(String[] argv, Map<String, String> env) {
        boolean simulate = Arrays.asList(argv).contains("--simulate");
        if (Arrays.asList(argv).contains("--help")) {
            System.out.print(simulate ? SimConfig.USAGE : AgentConfig.USAGE);
            return 0;
        }
        Log.quiet(Arrays.asList(argv).contains("--quiet"));
        try {
            return simulate ? simulate(argv, env) : agent(argv, env);
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

    private static int simulate(String[] argv, Map<String, String> env) throws Exception {
        SimConfig config = SimConfig.from(argv, env);
        FleetSimulator sim = new FleetSimulator(config, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "hangcheck-sim-shutdown"));
        sim.start();
        sim.awaitEnd();
        sim.close();
        return 0;
    }
}
