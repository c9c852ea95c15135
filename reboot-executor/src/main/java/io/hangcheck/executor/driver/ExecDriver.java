package io.hangcheck.executor.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program from an argv template (one element per argument, never a shell string, so a parameter
 * cannot inject a command). Placeholders {@code {host}}, {@code {bmc}}, {@code {systemId}}, {@code {user}},
 * {@code {resetType}} (and {@code {ipmiAction}}: soft/reset/cycle) are replaced inside each argument. Exit 0 is
 * success; exit 75 (EX_TEMPFAIL) is retryable; any other exit, or the timeout (the process is killed), is fatal.
 * The inventory may override the template with param {@code argv} (elements separated by {@code |}).
 */
public class ExecDriver implements RebootDriver {
    private final List<String> template;
    private final Duration timeout;

    public ExecDriver(List<String> template, Duration timeout) {
        if (template.isEmpty()) {
            throw new IllegalArgumentException("argv template is empty");
        }
        this.template = List.copyOf(template);
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "exec";
    }

    /** The argv for a request (exposed for tests and logs). */
    public List<String> argv(ResetRequest r) {
        List<String> tpl = r.params().containsKey("argv") ? List.of(r.params().get("argv").split("\\|")) : template;
        Map<String, String> values = Map.of(
                "{host}", r.hostId(),
                "{bmc}", r.params().getOrDefault("bmc", ""),
                "{systemId}", r.params().getOrDefault("systemId", "1"),
                "{user}", r.params().getOrDefault("user", ""),
                "{resetType}", r.type().name(),
                "{ipmiAction}", switch (r.type()) {
                    case GracefulRestart -> "soft";
                    case ForceRestart -> "reset";
                    case PowerCycle -> "cycle";
                });
        List<String> out = new ArrayList<>(tpl.size());
        for (String arg : tpl) {
            String a = arg;
            for (Map.Entry<String, String> e : values.entrySet()) {
                a = a.replace(e.getKey(), e.getValue());
            }
            out.add(a);
        }
        return out;
    }

    @Override
    public String reset(ResetRequest r) throws DriverException, InterruptedException {
        List<String> argv = argv(r);
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new DriverException(DriverException.Kind.FATAL, "cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw DriverException.fatal(argv.get(0) + " did not finish within " + timeout + "; killed; the reset may have happened");
        }
        String output;
        try {
            byte[] bytes = p.getInputStream().readNBytes(4096);
            output = new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            output = "";
        }
        int exit = p.exitValue();
        if (exit == 0) {
            return argv.get(0) + " exited 0" + (output.isEmpty() ? "" : ": " + output);
        }
        String msg = argv.get(0) + " exited " + exit + (output.isEmpty() ? "" : ": " + output);
        throw exit == 75 ? DriverException.retryable(msg) : DriverException.fatal(msg);
    }
}
