package io.hangcheck.executor.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Chooses free ports for the peers the executor talks to (SMTP server, fake BMC, webhook receiver) and
 * points the configuration at them; the test class starts the peers on those ports (they are only called
 * once a test sends something). Ports travel through system properties, which every class loader sees.
 * Init arg {@code boot-timeout} shortens the confirmation deadline for escalation tests.
 */
public class PeersResource implements QuarkusTestResourceLifecycleManager {
    public static final String SMTP_PORT = "hangcheck.it.smtp.port";
    public static final String BMC_PORT = "hangcheck.it.bmc.port";
    public static final String HOOK_PORT = "hangcheck.it.hook.port";
    public static final String OPERATOR_TOKEN = "op-token-for-tests";
    public static final String VIEWER_TOKEN = "viewer-token-for-tests";

    private String bootTimeout = "15m";

    @Override
    public void init(Map<String, String> initArgs) {
        bootTimeout = initArgs.getOrDefault("boot-timeout", bootTimeout);
    }

    @Override
    public Map<String, String> start() {
        int smtp = freePort();
        int bmc = freePort();
        int hook = freePort();
        System.setProperty(SMTP_PORT, Integer.toString(smtp));
        System.setProperty(BMC_PORT, Integer.toString(bmc));
        System.setProperty(HOOK_PORT, Integer.toString(hook));
        Map<String, String> c = new HashMap<>();
        c.put("quarkus.mailer.host", "127.0.0.1");
        c.put("quarkus.mailer.port", Integer.toString(smtp));
        c.put("quarkus.mailer.mock", "false");
        c.put("hangcheck.executor.notifications.email-to", "ops@lab.test");
        c.put("hangcheck.executor.notifications.webhook-url", "http://127.0.0.1:" + hook + "/hook");
        c.put("hangcheck.executor.notifications.group-wait", "2s");
        c.put("hangcheck.executor.notifications.group-interval", "2s");
        c.put("hangcheck.executor.notifications.tick", "200ms");
        c.put("hangcheck.executor.redfish.username", "admin");
        c.put("hangcheck.executor.redfish.password", "s3cret");
        c.put("hangcheck.executor.admin.operator-tokens", OPERATOR_TOKEN);
        c.put("hangcheck.executor.admin.viewer-tokens", VIEWER_TOKEN);
        c.put("hangcheck.executor.corroboration-wait", "2s");
        c.put("hangcheck.executor.confirmation.driver-back-off", "100ms");
        c.put("hangcheck.executor.confirmation.boot-timeout", bootTimeout);
        c.put("hangcheck.executor.confirmation.sweep-interval", "300ms");
        // the tests call Recheck.run() themselves, at the moments they choose
        c.put("hangcheck.executor.recheck.interval", "1h");
        c.put("hangcheck.executor.recheck.after", "0s");
        c.put("hangcheck.executor.outbox.poll-interval", "200ms");
        // a group of its own per start: reads the (shared) topic from the beginning; other classes' hosts are not in this inventory
        c.put("hangcheck.executor.events-group", "executor-test-" + UUID.randomUUID());
        return c;
    }

    @Override
    public void stop() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
