package io.hangcheck.simulator;

import io.hangcheck.agent.Log;
import io.hangcheck.agent.config.ConfigException;

import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code java -jar hangcheck-fleet-simulator.jar [flags]} runs the fleet simulator ({@link SimConfig#USAGE}).
 * Exit codes: 0 done, 1 failure, 2 bad configuration.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.getenv()));
    }

    static int run(String[] argv, Map<String, String> env) {
        if (Arrays.asList(argv).contains("--help")) {
            System.out.print(SimConfig.USAGE);
            return 0;
        }
        Log.quiet(Arrays.asList(argv).contains("--quiet"));
        try {
            SimConfig config = SimConfig.from(argv, env);
            FleetSimulator sim = new FleetSimulator(config, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "hangcheck-sim-shutdown"));
            sim.start();
            sim.awaitEnd();
            sim.close();
            return 0;
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
}
