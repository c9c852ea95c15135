package io.hangcheck.e2e;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The BMC of every {@link Fleet} host, speaking the Redfish the executor's {@code redfish} driver uses: the service
 * root and {@code GET /redfish/v1/Systems/{id}} (its Reset action's target), then
 * {@code POST /redfish/v1/Systems/{id}/Actions/ComputerSystem.Reset {"ResetType": …}} → 204, and the host
 * really reboots: silent for the boot time, then heartbeats with a new boot id. Records every reset.
 */
final class TestBmc implements AutoCloseable {
    private static final Pattern RESET = Pattern.compile("/redfish/v1/Systems/([^/]+)/Actions/ComputerSystem\\.Reset");
    private static final Pattern SYSTEM = Pattern.compile("/redfish/v1/Systems/([^/]+)/?");
    private static final Pattern TYPE = Pattern.compile("\"ResetType\"\\s*:\\s*\"([A-Za-z]+)\"");

    record Reset(String hostId, String resetType, long atMillis) {
    }

    private final HttpServer server;
    private final List<Reset> resets = new CopyOnWriteArrayList<>();
    private final Map<String, Fleet> fleets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService boots = Executors.newSingleThreadScheduledExecutor();

    TestBmc(long bootMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/redfish/", ex -> {
            String path = ex.getRequestURI().getPath();
            Matcher sys = SYSTEM.matcher(path);
            if ("GET".equals(ex.getRequestMethod()) && (path.replaceAll("/+$", "").equals("/redfish/v1") || sys.matches())) {
                // What the driver reads before it resets: the service root and the system with its Reset action.
                String body = sys.matches() && fleets.containsKey(sys.group(1))
                        ? "{\"@odata.id\":\"/redfish/v1/Systems/" + sys.group(1) + "\",\"Id\":\"" + sys.group(1)
                        + "\",\"PowerState\":\"On\",\"Actions\":{\"#ComputerSystem.Reset\":{\"target\":\"/redfish/v1/Systems/"
                        + sys.group(1) + "/Actions/ComputerSystem.Reset\"}}}"
                        : sys.matches() ? null : "{\"@odata.id\":\"/redfish/v1\",\"Systems\":{\"@odata.id\":\"/redfish/v1/Systems\"}}";
                byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : b.length);
                ex.getResponseBody().write(b);
                ex.close();
                return;
            }
            Matcher m = RESET.matcher(path);
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher t = TYPE.matcher(body);
            Fleet fleet = m.matches() ? fleets.get(m.group(1)) : null;
            int status;
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (!"POST".equals(ex.getRequestMethod()) || !m.matches()) {
                status = 405;
            } else if (auth == null || !auth.startsWith("Basic ")) {
                status = 401;
            } else if (fleet == null) {
                status = 404;
            } else if (!t.find()) {
                status = 400;
            } else {
                String host = m.group(1);
                resets.add(new Reset(host, t.group(1), System.currentTimeMillis()));
                fleet.hang(host); // the machine goes down at once ...
                boots.schedule(() -> fleet.reboot(host), bootMillis, TimeUnit.MILLISECONDS); // ... and boots anew
                status = 204;
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    /** This BMC answers for every host of the fleet. */
    TestBmc serve(Fleet fleet) {
        fleet.hosts().forEach(h -> fleets.put(h, fleet));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Reset> resets() {
        return List.copyOf(resets);
    }

    long resetsOf(String host) {
        return resets.stream().filter(r -> r.hostId().equals(host)).count();
    }

    @Override
    public void close() {
        server.stop(0);
        boots.shutdownNow();
    }
}
