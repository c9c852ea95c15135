package io.hangcheck.ingest.config;

import io.hangcheck.ingest.domain.Credentials;
import io.hangcheck.ingest.metrics.IngestMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials ingest checks heartbeats against, built once from {@link IngestConfig}; and whether it runs
 * insecure. Refuses to start when nothing is configured and {@code auth.insecure} was not chosen explicitly: an
 * instance that anyone can speak through must be a decision, not an accident (D1).
 */
@Singleton
public class AuthSetup {

    private static final Logger LOG = Logger.getLogger(AuthSetup.class);

    private final Credentials credentials;
    private final boolean insecure;

    @Inject
    public AuthSetup(IngestConfig config, IngestMetrics metrics) {
        List<byte[]> secrets = bytes(config.auth().secrets().orElse(List.of()));
        List<byte[]> fleetTokens = bytes(config.http().bearerTokens().orElse(List.of()));
        Map<String, List<byte[]>> hostKeys = new HashMap<>();
        config.udp().hostKeys().forEach((host, keys) -> hostKeys.put(host, bytes(List.of(keys.split(",")))));
        byte[] fleetKey = config.udp().fleetKey().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
        List<Credentials.Pool> pools = new ArrayList<>();
        config.auth().pools().forEach((name, hosts) -> pools.add(Credentials.Pool.derive(name, pattern(name, hosts), secrets)));
        if (!pools.isEmpty() && secrets.isEmpty()) {
            throw new IllegalStateException("hangcheck.ingest.auth.pools needs hangcheck.ingest.auth.secrets: a pool's "
                    + "credentials are derived from the lab secret");
        }
        this.credentials = new Credentials(secrets, fleetTokens, fleetKey, hostKeys, pools);
        for (Credentials.Pool p : pools) {
            LOG.infof("credential pool %s speaks for host ids matching %s", p.name(), p.hosts().pattern());
        }
        boolean none = !credentials.httpAuthenticated() && !credentials.udpKeyed();
        if (none && !config.auth().insecure()) {
            throw new IllegalStateException("no heartbeat credentials are configured: set hangcheck.ingest.auth.secrets "
                    + "(HANGCHECK_INGEST_AUTH_SECRETS), or choose hangcheck.ingest.auth.insecure=true explicitly");
        }
        this.insecure = config.auth().insecure();
        metrics.insecure.set(insecure ? 1 : 0);
        if (insecure) {
            LOG.error("*** INSECURE: hangcheck.ingest.auth.insecure=true — heartbeats without a valid token or signature "
                    + "are accepted where no credential applies; anyone who reaches this port can speak for any host ***");
        }
        if (!credentials.httpAuthenticated()) {
            LOG.warn("HTTP heartbeats are not authenticated (no auth.secrets, no http.bearer-tokens)");
        }
    }

    public Credentials credentials() {
        return credentials;
    }

    /** Whether every datagram must be signed: asked for, or implied by any key configured outside insecure mode. */
    public boolean signaturesRequired(IngestConfig config) {
        return config.udp().requireSignature() || (!insecure && credentials.udpKeyed());
    }

    private static java.util.regex.Pattern pattern(String pool, String hosts) {
        try {
            return java.util.regex.Pattern.compile(hosts);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalStateException("hangcheck.ingest.auth.pools." + pool + ": not a regular expression: " + e.getDescription());
        }
    }

    private static List<byte[]> bytes(List<String> values) {
        List<byte[]> out = new ArrayList<>();
        for (String v : values) {
            if (!v.isBlank()) {
                out.add(v.trim().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
