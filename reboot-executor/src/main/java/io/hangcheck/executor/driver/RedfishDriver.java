package io.hangcheck.executor.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.executor.domain.ResetType;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * DMTF Redfish, the way sushy and Ironic drive it: service root → {@code Systems} → the system → the
 * {@code #ComputerSystem.Reset} action's {@code target} and {@code ResetType@Redfish.AllowableValues} → POST.
 * Inventory parameters: {@code bmc} (e.g. {@code https://10.0.0.5}; a path such as {@code /redfish/v1} is the
 * service root), {@code systemId} (optional: a BMC with one system needs none; an id, or a full path starting with
 * {@code /}), {@code credentials} (see {@link Credentials}). What was discovered is cached per BMC for a TTL.
 * Session authentication when the service root links {@code Sessions}, else basic. See the module README for
 * exactly what is read, sent and retried.
 */
public class RedfishDriver implements RebootDriver {

    /** User, password and, optionally, the CA bundle (PEM) that BMC certificates of this entry are checked with. */
    public record Login(String user, String password, Path caBundle) {
        public Login(String user, String password) {
            this(user, password, null);
        }

        @Override
        public String toString() {
            return "Login[user=" + user + ", password=***, caBundle=" + caBundle + "]";
        }
    }

    /** Finds the login for an inventory {@code credentials} name (null: the default). */
    public interface Credentials extends Function<String, Login> {
    }

    /** What was learnt about one system of one BMC, kept for {@link #discoveryTtl}. */
    private record Discovered(String systemPath, String sessionsPath, Instant expires) {
    }

    private static final int MAX_REDIRECTS = 5;
    private static final String RESET_ACTION = "#ComputerSystem.Reset";

    private final Credentials credentials;
    private final boolean verifyTls;
    private final Duration timeout;
    private final Duration maxRetryAfter;
    private final Duration discoveryTtl;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Discovered> discovered = new ConcurrentHashMap<>();
    /** One session per BMC and user, reused: a BMC has few session slots (iDRAC: 8), and a login per reset would fill them. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<Path, SSLContext> bundles = new ConcurrentHashMap<>();

    public RedfishDriver(Credentials credentials, boolean verifyTls, Duration timeout) {
        this(credentials, verifyTls, timeout, Duration.ofSeconds(60), Duration.ofMinutes(10), Clock.systemUTC());
    }

    /**
     * @param maxRetryAfter the longest {@code Retry-After} honoured; a longer one is cut to this
     * @param discoveryTtl how long a system's path and the BMC's session link are reused before being read again
     */
    public RedfishDriver(Credentials credentials, boolean verifyTls, Duration timeout, Duration maxRetryAfter,
                         Duration discoveryTtl, Clock clock) {
        this.credentials = credentials;
        this.verifyTls = verifyTls;
        this.timeout = timeout;
        this.maxRetryAfter = maxRetryAfter;
        this.discoveryTtl = discoveryTtl;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "redfish";
    }

    @Override
    public String reset(ResetRequest r) throws DriverException, InterruptedException {
        Bmc bmc = Bmc.parse(r.param("bmc"), r.hostId());
        Login login = credentials.apply(r.params().get("credentials"));
        if (login == null || login.user() == null || login.password() == null) {
            throw DriverException.fatal("no BMC credentials for host " + r.hostId());
        }
        Conversation c = new Conversation(bmc, login, http(login, bmc));
        String systemParam = r.params().get("systemId");
        String key = bmc.base + bmc.root + "|" + login.user() + "|" + (systemParam == null ? "" : systemParam);
        Discovered d = discovered.get(key);
        JsonNode system = null;
        if (d == null || !clock.instant().isBefore(d.expires())) {
            c.fresh = null;
            d = discover(c, systemParam);
            discovered.put(key, d);
            system = c.fresh; // just read by the discovery
        }
        c.sessionsPath = d.sessionsPath();
        if (system == null) {
            BmcHttp.Response sys = c.exchange("GET", d.systemPath(), null);
            if (sys.status() == 404) { // the BMC renamed or renumbered it since: read everything anew, once
                discovered.remove(key);
                d = discover(c, systemParam);
                discovered.put(key, d);
                system = c.fresh;
            } else {
                system = c.document(sys, "system " + d.systemPath());
            }
        }
        JsonNode action = system.path("Actions").path(RESET_ACTION);
        String target = action.path("target").asText("");
        if (target.isEmpty()) {
            throw DriverException.fatal(c.who() + ": system " + d.systemPath() + " has no " + RESET_ACTION + " action");
        }
        List<String> allowable = new ArrayList<>();
        action.path("ResetType@Redfish.AllowableValues").forEach(v -> allowable.add(v.asText()));
        String power = system.path("PowerState").isTextual() ? system.path("PowerState").asText() : null;
        ResetPlan.Decision plan = ResetPlan.decide(r.type(), allowable, power);
        if (plan.refused()) {
            throw DriverException.notAccepted(c.who() + ", system " + d.systemPath() + ": " + r.type() + " refused: "
                    + plan.refusal().sentence + " (AllowableValues " + allowable + ", PowerState " + power + "; next listed step: "
                    + ResetPlan.nextListed(r.type(), allowable).map(Enum::name).orElse("none") + ")");
        }
        byte[] body = ("{\"ResetType\":\"" + plan.send() + "\"}").getBytes(StandardCharsets.UTF_8);
        BmcHttp.Response answer = c.exchange("POST", target, body);
        int status = answer.status();
        String as = plan.send().equals(r.type().name()) ? plan.send()
                : plan.send() + " (asked " + r.type() + "; the system was " + power + ")";
        if (status >= 200 && status < 300) {
            return "redfish " + as + " accepted by " + bmc.name + " for " + d.systemPath() + " (HTTP " + status + ")";
        }
        String why = c.who() + " answered HTTP " + status + " to " + as + " on " + target + ": " + summary(answer);
        if (status == 429 || status == 503) {
            throw DriverException.retryable(why, retryAfter(answer));
        }
        if (status == 401 || status == 403) {
            throw DriverException.fatal(why + " (credentials of user " + login.user() + " refused)");
        }
        if ((status >= 400 && status < 500) || status == 501) {
            // Refused before acting (bad or unsupported type, conflict): the host was not reset.
            throw DriverException.notAccepted(why);
        }
        throw DriverException.fatal(why + "; the reset may or may not have happened");
    }

    private Discovered discover(Conversation c, String systemParam) throws DriverException, InterruptedException {
        JsonNode root = c.document(c.exchange("GET", c.bmc.root, null), "service root " + c.bmc.root);
        String systems = root.path("Systems").path("@odata.id").asText("");
        if (systems.isEmpty()) {
            throw DriverException.fatal(c.who() + ": service root " + c.bmc.root + " links no Systems collection");
        }
        String sessions = root.path("Links").path("Sessions").path("@odata.id").asText("");
        c.sessionsPath = sessions.isEmpty() ? null : sessions;
        String path;
        if (systemParam == null || systemParam.isBlank()) {
            JsonNode members = c.document(c.exchange("GET", systems, null), "Systems collection " + systems).path("Members");
            List<String> ids = new ArrayList<>();
            members.forEach(m -> ids.add(m.path("@odata.id").asText("")));
            if (ids.size() != 1 || ids.get(0).isEmpty()) {
                throw DriverException.fatal(c.who() + " lists " + ids.size() + " systems in " + systems
                        + (ids.isEmpty() ? "" : " (" + String.join(", ", ids.subList(0, Math.min(5, ids.size())))
                        + (ids.size() > 5 ? ", …" : "") + ")") + "; set the inventory parameter systemId to choose one");
            }
            path = ids.get(0);
        } else if (systemParam.startsWith("/")) {
            path = quotePath(systemParam);
        } else {
            path = stripSlash(systems) + "/" + quoteSegment(systemParam);
        }
        // Read it once (following a redirect from a name to its id) and keep the path the system itself gives.
        JsonNode system = c.document(c.exchange("GET", path, null), "system " + path);
        c.fresh = system;
        String canonical = system.path("@odata.id").asText("");
        if (!canonical.isEmpty()) {
            path = canonical;
        } else if (c.lastPath != null) {
            path = c.lastPath;
        }
        return new Discovered(path, c.sessionsPath, clock.instant().plus(discoveryTtl));
    }

    private BmcHttp http(Login login, Bmc bmc) throws DriverException {
        if (!verifyTls) {
            return new BmcHttp(BmcTls.trustAll(), false, timeout);
        }
        if (login.caBundle() == null) {
            return new BmcHttp(BmcTls.system(), true, timeout);
        }
        try {
            return new BmcHttp(bundles.computeIfAbsent(login.caBundle(), p -> {
                try {
                    return BmcTls.caBundle(p);
                } catch (IOException | GeneralSecurityException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }), true, timeout);
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal("CA bundle " + login.caBundle() + " for BMC " + bmc.name + " is unusable: " + e.getMessage());
        }
    }

    /** Retry-After in seconds or as an HTTP date, within [0, maxRetryAfter]; null when absent or unreadable. */
    Duration retryAfter(BmcHttp.Response answer) {
        String v = answer.header("Retry-After");
        if (v == null || v.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            try {
                d = Duration.between(clock.instant(), ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : d;
    }

    /** A short account of an error answer: the Redfish message if there is one, never a raw HTML page. */
    private String summary(BmcHttp.Response answer) {
        String type = answer.header("Content-Type");
        if (answer.body().length == 0) {
            return "(no body)";
        }
        try {
            JsonNode n = json.readTree(answer.body());
            JsonNode err = n.path("error");
            String msg = err.path("@Message.ExtendedInfo").path(0).path("Message").asText("");
            if (msg.isEmpty()) {
                msg = err.path("message").asText("");
            }
            if (!msg.isEmpty()) {
                return abbreviate(msg);
            }
            return abbreviate(n.toString());
        } catch (IOException e) {
            return "(a " + (type == null ? "non-JSON" : type) + " body of " + answer.body().length + " bytes)";
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Percent-encodes a system id as one path segment: {@code /}, spaces and {@code ..} cannot change the path. */
    static String quoteSegment(String s) {
        StringBuilder b = new StringBuilder();
        boolean dotsOnly = s.chars().allMatch(ch -> ch == '.');
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (x & 0xff);
            boolean unreserved = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '-' || ch == '_' || ch == '~' || (ch == '.' && !dotsOnly);
            if (unreserved) {
                b.append(ch);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** A full system path given in the inventory: each segment quoted, the slashes kept. */
    static String quotePath(String p) {
        StringBuilder b = new StringBuilder();
        for (String seg : p.split("/", -1)) {
            if (b.length() > 0 || !seg.isEmpty()) {
                b.append('/').append(quoteSegment(seg));
            }
        }
        return b.toString().replaceAll("/+$", "");
    }

    /** A BMC address: scheme, host and port, and the service root path ({@code /redfish/v1} unless the address has one). */
    record Bmc(String base, String root, String name, URI baseUri) {
        static Bmc parse(String text, String hostId) throws DriverException {
            URI u;
            try {
                u = new URI(text.strip());
            } catch (URISyntaxException e) {
                throw DriverException.fatal("bad bmc URL for host " + hostId + ": " + e.getMessage());
            }
            if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                    || u.getHost() == null) {
                throw DriverException.fatal("bad bmc URL for host " + hostId + ": '" + text + "' is not http(s)://host[:port][/root]");
            }
            String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
            String base = u.getScheme().toLowerCase() + "://" + u.getRawAuthority();
            return new Bmc(base, path.isEmpty() ? "/redfish/v1" : path, u.getRawAuthority(), URI.create(base));
        }
    }

    /** The requests of one reset to one BMC: authentication, redirects, typed failures. */
    private final class Conversation {
        final Bmc bmc;
        final Login login;
        final BmcHttp http;
        final String tokenKey;
        String sessionsPath;
        /** The system document the last discovery read (its PowerState and action are current). */
        JsonNode fresh;
        /** The path a GET finally answered from, after redirects. */
        String lastPath;

        Conversation(Bmc bmc, Login login, BmcHttp http) {
            this.bmc = bmc;
            this.login = login;
            this.http = http;
            this.tokenKey = bmc.base + "|" + login.user();
        }

        String who() {
            return "BMC " + bmc.name;
        }

        /**
         * One request, redirects followed (same method and body, same scheme, host and port only). With a session
         * token, a 401 logs in again and repeats the request once (a 401 means it was not acted on).
         */
        BmcHttp.Response exchange(String method, String pathOrUrl, byte[] body) throws DriverException {
            URI uri = resolve(bmc.baseUri, pathOrUrl);
            boolean relogged = false;
            for (int hops = 0; ; ) {
                String token = tokens.get(tokenKey);
                if (token == null && sessionsPath != null) {
                    token = login();
                }
                Map<String, String> headers = new LinkedHashMap<>();
                if (token != null) {
                    headers.put("X-Auth-Token", token);
                } else {
                    headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (login.user() + ":" + login.password()).getBytes(StandardCharsets.UTF_8)));
                }
                BmcHttp.Response res = send(method, uri, headers, body, !method.equals("GET"));
                int s = res.status();
                if (s == 401 && token != null && !relogged) {
                    tokens.remove(tokenKey, token);
                    relogged = true;
                    continue;
                }
                if (s == 401) {
                    throw DriverException.fatal(who() + " answered HTTP 401 to " + method + " " + uri.getRawPath()
                            + ": credentials of user " + login.user() + " refused (" + summary(res) + ")");
                }
                if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                    String location = res.header("Location");
                    if (location == null || ++hops > MAX_REDIRECTS) {
                        throw DriverException.fatal(who() + ": " + (location == null ? "HTTP " + s + " without Location"
                                : "more than " + MAX_REDIRECTS + " redirects") + " for " + method + " " + uri.getRawPath());
                    }
                    URI next = resolve(uri, location);
                    if (!sameOrigin(uri, next)) {
                        throw DriverException.fatal(who() + " redirected " + method + " " + uri.getRawPath()
                                + " to another host (" + next.getScheme() + "://" + next.getRawAuthority() + "); not followed");
                    }
                    uri = next;
                    continue;
                }
                lastPath = uri.getRawPath();
                return res;
            }
        }

        /** POSTs the credentials to the BMC's Sessions collection; null (basic auth from now on) when it gives no token. */
        private String login() throws DriverException {
            Map<String, String> body = Map.of("UserName", login.user(), "Password", login.password());
            BmcHttp.Response res;
            try {
                // a login acts on nothing: without an answer it is retried like a read
                res = send("POST", resolve(bmc.baseUri, sessionsPath), Map.of(), json.writeValueAsBytes(body), false);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            String token = res.header("X-Auth-Token");
            if (res.status() == 401 || res.status() == 403) {
                throw DriverException.fatal(who() + " refused a session for user " + login.user() + " (HTTP " + res.status()
                        + ": " + summary(res) + ")");
            }
            if (res.status() / 100 != 2 || token == null || token.isBlank()) {
                sessionsPath = null; // no sessions here after all: basic authentication
                return null;
            }
            tokens.put(tokenKey, token);
            return token;
        }

        /** @param acts whether the request may change the system (the reset): then no answer means it may have happened */
        private BmcHttp.Response send(String method, URI uri, Map<String, String> headers, byte[] body, boolean acts)
                throws DriverException {
            try {
                return http.send(method, uri, headers, body);
            } catch (BmcHttp.NotSent e) {
                Throwable cause = e.getCause();
                if (cause instanceof SSLException) {
                    throw new DriverException(DriverException.Kind.FATAL, who() + ": TLS refused (" + cause.getMessage()
                            + "); give the credentials entry a CA bundle, or set verify-tls=false for a lab BMC", e);
                }
                if (cause instanceof ConnectException || cause instanceof SocketTimeoutException
                        || cause instanceof NoRouteToHostException || cause instanceof UnknownHostException) {
                    throw new DriverException(DriverException.Kind.RETRYABLE, who() + " unreachable: " + cause, e);
                }
                throw new DriverException(DriverException.Kind.RETRYABLE, who() + ": request not sent: " + cause, e);
            } catch (BmcHttp.NoAnswer e) {
                if (acts) {
                    throw new DriverException(DriverException.Kind.FATAL, who() + " did not answer " + method + " "
                            + uri.getRawPath() + " in " + timeout + " (" + e.getMessage() + "); the reset may have happened", e);
                }
                throw new DriverException(DriverException.Kind.RETRYABLE, who() + " did not answer " + method + " " + uri.getRawPath()
                        + " (" + e.getMessage() + "); nothing was reset", e);
            }
        }

        /** A 2xx JSON document, or a typed failure naming what was read. */
        JsonNode document(BmcHttp.Response res, String what) throws DriverException {
            int s = res.status();
            if (s == 429 || s == 503) {
                throw DriverException.retryable(who() + " answered HTTP " + s + " reading " + what + ": " + summary(res), retryAfter(res));
            }
            if (s / 100 != 2) {
                throw DriverException.fatal(who() + " answered HTTP " + s + " reading " + what + ": " + summary(res));
            }
            try {
                JsonNode n = json.readTree(res.body());
                if (n == null || !n.isObject()) {
                    throw new IOException("not a JSON object");
                }
                return n;
            } catch (IOException e) {
                throw DriverException.fatal(who() + ": " + what + " is not a JSON document " + summary(res));
            }
        }
    }

    private static URI resolve(URI base, String ref) throws DriverException {
        try {
            return base.resolve(ref);
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal("BMC " + base.getRawAuthority() + " gave a bad link '" + ref + "': " + e.getMessage());
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
