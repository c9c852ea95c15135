package io.hangcheck.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.hangcheck.agent.Log;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redfish BMCs of the simulated fleet, following the DMTF conventions a real client relies on: the version
 * document at {@code /redfish}, a service root readable without credentials that links {@code Systems} and the
 * {@code Sessions} collection, session logins ({@code X-Auth-Token}) beside basic auth, {@code OData-Version} on
 * every answer. Two ways in: {@code /redfish/v1} is one BMC for the whole fleet (systems named by host id, or by
 * UUID with the sushy profile), and {@code /bmc/{hostId}/redfish/v1} is each host's own BMC with its one system
 * under the profile's id ({@code System.Embedded.1} for iDRAC, {@code 1} for iLO), as a real host has.
 */
final class SimBmc {
    static final String V1 = "/redfish/v1";
    private static final String RESET = "/Actions/ComputerSystem.Reset";
    private static final String SESSIONS = V1 + "/SessionService/Sessions";
    /** Sessions kept at once; the oldest goes first (a real BMC has a handful of slots). */
    private static final int MAX_SESSIONS = 64;

    private final FleetSimulator sim;
    private final SimConfig config;
    private final BmcProfile profile;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Long> sessions = new ConcurrentHashMap<>();
    private final Set<Integer> busyAnswered = ConcurrentHashMap.newKeySet();

    SimBmc(FleetSimulator sim, SimConfig config) {
        this.sim = sim;
        this.config = config;
        this.profile = config.bmcProfile();
    }

    /** Where the request is addressed: the fleet's BMC, or one host's. */
    private record Scope(String prefix, int host) {
        boolean fleet() {
            return host < 0;
        }
    }

    ControlServer.Result handle(HttpExchange ex, String method, String rawPath, byte[] body) {
        ex.getResponseHeaders().set("OData-Version", "4.0");
        Scope scope = new Scope("", -1);
        String p = rawPath;
        if (p.startsWith("/bmc/")) {
            int slash = p.indexOf('/', 5);
            String hostId = URLDecoder.decode(slash < 0 ? p.substring(5) : p.substring(5, slash), StandardCharsets.UTF_8);
            int host = sim.call(f -> f.indexOf(hostId));
            if (host < 0) {
                return redfishError(404, "Base.1.8.ResourceNotFound", "no BMC for host " + hostId);
            }
            scope = new Scope(slash < 0 ? p : p.substring(0, slash), host);
            p = slash < 0 ? "" : p.substring(slash);
        }
        p = p.replaceFirst("/+$", "");
        if (p.equals("/redfish")) {
            return get(method, Map.of("v1", scope.prefix() + V1 + "/"));
        }
        if (p.equals(V1)) {
            return get(method, serviceRoot(scope));
        }
        if (p.equals(V1 + "/odata")) {
            return get(method, Map.of("@odata.context", scope.prefix() + V1 + "/$metadata", "value", List.of(
                    Map.of("name", "Systems", "kind", "Singleton", "url", scope.prefix() + V1 + "/Systems"))));
        }
        if (p.equals(SESSIONS) && method.equals("POST")) {
            return login(ex, body, scope);
        }
        if (!authorised(ex)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"hangcheck-sim\"");
            return redfishError(401, "Base.1.8.InsufficientPrivilege", "credentials required");
        }
        if (p.equals(V1 + "/SessionService")) {
            return get(method, Map.of("@odata.id", scope.prefix() + V1 + "/SessionService",
                    "@odata.type", "#SessionService.v1_1_6.SessionService", "Id", "SessionService", "Name", "Session Service",
                    "ServiceEnabled", true, "Sessions", Map.of("@odata.id", scope.prefix() + SESSIONS)));
        }
        if (p.startsWith(SESSIONS + "/") && method.equals("DELETE")) {
            String token = ex.getRequestHeaders().getFirst("X-Auth-Token");
            if (token != null) {
                sessions.remove(token);
            }
            return new ControlServer.Result(204, null);
        }
        if (p.equals(V1 + "/Systems")) {
            return get(method, systems(scope));
        }
        if (!p.startsWith(V1 + "/Systems/")) {
            return redfishError(404, "Base.1.8.ResourceNotFound", "no resource " + rawPath);
        }
        String rest = p.substring((V1 + "/Systems/").length());
        boolean reset = rest.endsWith(RESET);
        String rawId = reset ? rest.substring(0, rest.length() - RESET.length()) : rest;
        String id = URLDecoder.decode(rawId, StandardCharsets.UTF_8);
        if (id.contains("/") || rawId.contains("/")) {
            return redfishError(404, "Base.1.8.ResourceNotFound", "no system " + id);
        }
        int host = resolve(scope, id);
        if (host < 0) {
            return redfishError(404, "Base.1.8.ResourceNotFound", "no system " + id);
        }
        String canonical = systemId(scope, host);
        if (!canonical.equals(id)) { // sushy: a system named by its name is redirected to its UUID
            ex.getResponseHeaders().set("Location", systemPath(scope, host) + (reset ? RESET : ""));
            return new ControlServer.Result(307, null);
        }
        Scope in = scope;
        if (!reset) {
            return get(method, sim.call(f -> computerSystem(f, host, in)));
        }
        if (!method.equals("POST")) {
            return redfishError(405, "Base.1.8.ActionNotSupported", method + " not allowed on a Reset action");
        }
        return resetAction(ex, host, id, body);
    }

    private Map<String, Object> serviceRoot(Scope scope) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("@odata.id", scope.prefix() + V1);
        root.put("@odata.type", "#ServiceRoot.v1_5_0.ServiceRoot");
        root.put("Id", "RootService");
        root.put("Name", "hangcheck simulated BMC");
        root.put("RedfishVersion", "1.6.0");
        root.put("UUID", scope.fleet() ? "92384634-2938-2342-8820-489239905423" : BmcProfile.uuid(scope.host()));
        root.put("Systems", Map.of("@odata.id", scope.prefix() + V1 + "/Systems"));
        root.put("SessionService", Map.of("@odata.id", scope.prefix() + V1 + "/SessionService"));
        root.put("Links", Map.of("Sessions", Map.of("@odata.id", scope.prefix() + SESSIONS)));
        return root;
    }

    private Map<String, Object> systems(Scope scope) {
        return sim.call(f -> {
            List<Map<String, String>> members = new ArrayList<>();
            int count = scope.fleet() ? f.size() : 1;
            if (scope.fleet()) {
                for (int h = 0; h < Math.min(1000, f.size()); h++) {
                    members.add(Map.of("@odata.id", systemPath(scope, f, h)));
                }
            } else {
                members.add(Map.of("@odata.id", systemPath(scope, f, scope.host())));
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("@odata.id", scope.prefix() + V1 + "/Systems");
            c.put("@odata.type", "#ComputerSystemCollection.ComputerSystemCollection");
            c.put("Name", "Computer System Collection");
            c.put("Members@odata.count", count);
            c.put("Members", members);
            return c;
        });
    }

    /** The host a system id names in this scope (its canonical id, or its host id), or -1. */
    private int resolve(Scope scope, String id) {
        return sim.call(f -> {
            if (!scope.fleet()) {
                int h = scope.host();
                return id.equals(profile.singleId(f.hostId(h), h)) || id.equals(f.hostId(h)) ? h : -1;
            }
            int h = BmcProfile.hostOfUuid(id);
            if (profile == BmcProfile.SUSHY && h >= 0 && h < f.size()) {
                return h;
            }
            return f.indexOf(id);
        });
    }

    private String systemId(Scope scope, int host) {
        return sim.call(f -> scope.fleet() ? profile.fleetId(f.hostId(host), host) : profile.singleId(f.hostId(host), host));
    }

    private String systemPath(Scope scope, int host) {
        return sim.call(f -> systemPath(scope, f, host));
    }

    private String systemPath(Scope scope, Fleet f, int host) {
        String id = scope.fleet() ? profile.fleetId(f.hostId(host), host) : profile.singleId(f.hostId(host), host);
        return scope.prefix() + V1 + "/Systems/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ControlServer.Result resetAction(HttpExchange ex, int host, String id, byte[] body) {
        String type;
        try {
            JsonNode node = body.length == 0 ? null : json.readTree(body);
            JsonNode t = node == null ? null : node.get("ResetType");
            if (t == null || !t.isTextual()) {
                return redfishError(400, "Base.1.8.ActionParameterMissing", "ResetType is required");
            }
            type = t.asText();
        } catch (IOException e) {
            return redfishError(400, "Base.1.8.MalformedJSON", "body is not JSON");
        }
        if (!profile.resetTypes.contains(type) || !ControlServer.RESET_TYPES.contains(type)) {
            return redfishError(profile.resetTypes.contains(type) ? 501 : profile.unlistedStatus,
                    "Base.1.8.ActionParameterValueNotInList", "ResetType " + type + " is not one of " + profile.resetTypes);
        }
        if (profile.busyRetryAfter > 0 && busyAnswered.add(host)) {
            ex.getResponseHeaders().set("Retry-After", String.valueOf(profile.busyRetryAfter));
            return redfishError(503, "Base.1.8.ServiceTemporarilyUnavailable", "the BMC is busy; retry after "
                    + profile.busyRetryAfter + " s");
        }
        String outcome = sim.call(f -> resetOnSimThread(f, host, type));
        Log.info("redfish: " + type + " " + id + " → " + outcome);
        return new ControlServer.Result(204, null);
    }

    private String resetOnSimThread(Fleet f, int host, String type) {
        f.countReset(host);
        sim.counters().resets.incrementAndGet();
        boolean hung = f.hung(host);
        boolean off = f.off(host);
        boolean ignoresGraceful = hung && config.hungIgnoresGraceful();
        switch (type) {
            case "On" -> {
                if (!off) {
                    return "already on";
                }
                sim.reboot(host);
                return "powering on, new boot " + f.bootId(host);
            }
            case "ForceOff" -> {
                f.powerOff(host);
                return "off";
            }
            case "GracefulShutdown" -> {
                if (ignoresGraceful) {
                    return "ignored (the host is hung)";
                }
                f.powerOff(host);
                return "off";
            }
            case "GracefulRestart" -> {
                if (ignoresGraceful) {
                    return "ignored (the host is hung)";
                }
                sim.reboot(host);
                return "rebooting, new boot " + f.bootId(host);
            }
            default -> { // ForceRestart, PowerCycle
                sim.reboot(host);
                return "rebooting, new boot " + f.bootId(host);
            }
        }
    }

    private Map<String, Object> computerSystem(Fleet f, int host, Scope scope) {
        Fleet.State st = f.state(host, sim.now());
        Map<String, Object> cs = new LinkedHashMap<>();
        String path = systemPath(scope, f, host);
        String id = scope.fleet() ? profile.fleetId(f.hostId(host), host) : profile.singleId(f.hostId(host), host);
        cs.put("@odata.id", path);
        cs.put("@odata.type", "#ComputerSystem.v1_13_0.ComputerSystem");
        cs.put("Id", id);
        cs.put("Name", f.hostId(host));
        cs.put("UUID", BmcProfile.uuid(host));
        cs.put("SystemType", "Physical");
        cs.put("PowerState", st == Fleet.State.OFF ? "Off" : "On");
        cs.put("Status", Map.of("State", switch (st) {
            case OFF -> "StandbyOffline";
            case BOOTING -> "Starting";
            default -> "Enabled";
        }, "Health", st == Fleet.State.UP ? "OK" : "Warning"));
        cs.put("Boot", Map.of("BootSourceOverrideEnabled", "Disabled", "BootSourceOverrideTarget", "None",
                "BootSourceOverrideTarget@Redfish.AllowableValues", List.of("None", "Pxe", "Hdd")));
        cs.put("Actions", Map.of("#ComputerSystem.Reset", Map.of(
                "target", path + RESET,
                "ResetType@Redfish.AllowableValues", profile.resetTypes)));
        Map<String, Object> oem = new LinkedHashMap<>();
        oem.put("State", ControlServer.stateName(st));
        oem.put("BootId", f.bootId(host));
        oem.put("Seq", f.seq(host));
        oem.put("Resets", f.resets(host));
        oem.put("Pool", f.pools().get(f.pool(host)).name());
        cs.put("Oem", Map.of("Hangcheck", oem));
        return cs;
    }

    private ControlServer.Result login(HttpExchange ex, byte[] body, Scope scope) {
        String user;
        String password;
        try {
            JsonNode n = json.readTree(body);
            user = n == null ? null : n.path("UserName").asText(null);
            password = n == null ? null : n.path("Password").asText(null);
        } catch (IOException e) {
            return redfishError(400, "Base.1.8.MalformedJSON", "body is not JSON");
        }
        if (user == null || password == null) {
            return redfishError(400, "Base.1.8.ActionParameterMissing", "UserName and Password are required");
        }
        if (config.bmcUser() != null && !(equal(user, config.bmcUser()) & equal(password, config.bmcPassword()))) {
            return redfishError(401, "Base.1.8.InsufficientPrivilege", "wrong user or password");
        }
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> sessions.remove(e.getKey()));
        }
        String token = UUID.randomUUID().toString().replace("-", "");
        sessions.put(token, System.nanoTime());
        String sessionId = token.substring(0, 12);
        ex.getResponseHeaders().set("X-Auth-Token", token);
        ex.getResponseHeaders().set("Location", scope.prefix() + SESSIONS + "/" + sessionId);
        return new ControlServer.Result(201, Map.of("@odata.id", scope.prefix() + SESSIONS + "/" + sessionId,
                "@odata.type", "#Session.v1_3_0.Session", "Id", sessionId, "Name", "User Session", "UserName", user));
    }

    private boolean authorised(HttpExchange ex) {
        String token = ex.getRequestHeaders().getFirst("X-Auth-Token");
        if (token != null) {
            return sessions.containsKey(token);
        }
        if (config.bmcUser() == null) {
            return true;
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String given = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            return equal(given, config.bmcUser() + ":" + config.bmcPassword());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static ControlServer.Result get(String method, Object body) {
        return method.equals("GET") ? new ControlServer.Result(200, body)
                : redfishError(405, "Base.1.8.ActionNotSupported", method + " not allowed here");
    }

    static ControlServer.Result redfishError(int status, String code, String message) {
        return new ControlServer.Result(status, Map.of("error", Map.of("code", code, "message", message,
                "@Message.ExtendedInfo", List.of(Map.of("MessageId", code, "Message", message)))));
    }
}
