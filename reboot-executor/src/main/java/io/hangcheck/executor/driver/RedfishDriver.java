package io.hangcheck.executor.driver;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Function;

/**
 * DMTF Redfish: {@code POST {bmc}/redfish/v1/Systems/{systemId}/Actions/ComputerSystem.Reset} with
 * {@code {"ResetType": "..."}} and HTTP basic authentication. Inventory parameters: {@code bmc} (base URL,
 * e.g. {@code https://10.0.0.5}), {@code systemId} (default {@code 1}), {@code credentials} (name of the
 * credentials to use; see {@link Credentials}). TLS certificates are verified unless turned off in config.
 */
public class RedfishDriver implements RebootDriver {

    /** User and password for a BMC. */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[user=" + user + ", password=***]";
        }
    }

    /** Finds the login for an inventory {@code credentials} name (null: the default). */
    public interface Credentials extends Function<String, Login> {
    }

    private final HttpClient client;
    private final Duration timeout;
    private final Credentials credentials;

    public RedfishDriver(Credentials credentials, boolean verifyTls, Duration timeout) {
        this.credentials = credentials;
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
        if (!verifyTls) {
            b.sslContext(trustAll());
        }
        this.client = b.build();
    }

    @Override
    public String name() {
        return "redfish";
    }

    @Override
    public String reset(ResetRequest r) throws DriverException, InterruptedException {
        String bmc = r.param("bmc");
        String systemId = r.params().getOrDefault("systemId", "1");
        Login login = credentials.apply(r.params().get("credentials"));
        if (login == null || login.user() == null || login.password() == null) {
            throw DriverException.fatal("no BMC credentials for host " + r.hostId());
        }
        URI uri;
        try {
            uri = URI.create(stripSlash(bmc) + "/redfish/v1/Systems/" + systemId + "/Actions/ComputerSystem.Reset");
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal("bad bmc URL for host " + r.hostId() + ": " + e.getMessage());
        }
        String auth = Base64.getEncoder().encodeToString((login.user() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + auth)
                .POST(HttpRequest.BodyPublishers.ofString("{\"ResetType\":\"" + r.type().name() + "\"}"))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new DriverException(DriverException.Kind.RETRYABLE, "BMC " + uri.getHost() + " unreachable: " + e, e);
        } catch (HttpTimeoutException e) {
            throw new DriverException(DriverException.Kind.FATAL, "BMC " + uri.getHost() + " did not answer in " + timeout + "; the reset may have happened", e);
        } catch (IOException e) {
            throw new DriverException(DriverException.Kind.FATAL, "BMC " + uri.getHost() + ": " + e, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return "redfish " + r.type() + " accepted by " + uri.getHost() + " (HTTP " + status + ")";
        }
        String body = response.body() == null ? "" : response.body();
        String msg = "BMC " + uri.getHost() + " answered HTTP " + status + ": " + (body.length() > 300 ? body.substring(0, 300) : body);
        if (status == 429 || status == 503) {
            throw DriverException.retryable(msg);
        }
        throw DriverException.fatal(msg);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
