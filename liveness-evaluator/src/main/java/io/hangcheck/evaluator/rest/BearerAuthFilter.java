package io.hangcheck.evaluator.rest;

import io.hangcheck.evaluator.config.EvaluatorConfig;
import io.hangcheck.support.Problem;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Bearer tokens for {@code /v1/...} (as the executor's admin API): role {@code viewer} may read, role
 * {@code operator} may also retire hosts. With no token configured at all the read API stays open (as before;
 * logged at start) and nobody may write. No or an unknown token → 401; a viewer's write → 403. Probes, metrics and
 * the OpenAPI document stay open.
 */
@Provider
public class BearerAuthFilter implements ContainerRequestFilter {
    private static final Logger LOG = Logger.getLogger(BearerAuthFilter.class);
    static final String VIEWER = "viewer";
    static final String OPERATOR = "operator";
    static final String OPEN = "anonymous";

    /** A provider: filters are built at static init, before runtime configuration exists. */
    @Inject
    jakarta.inject.Provider<EvaluatorConfig> config;

    void onStart(@Observes StartupEvent e, EvaluatorConfig c) {
        if (operator(c).isEmpty() && viewer(c).isEmpty()) {
            LOG.warn("read API open: no hangcheck.evaluator.api viewer or operator tokens are configured (host "
                    + "states and boot ids are readable by anyone who can reach port 8082; retiring hosts is disabled)");
        } else {
            LOG.infof("read API needs a bearer token (%d viewer, %d operator tokens configured)",
                    viewer(c).size(), operator(c).size());
        }
    }

    private static List<String> operator(EvaluatorConfig c) {
        return c.api().operatorTokens().orElse(List.of()).stream().filter(t -> !t.isBlank()).toList();
    }

    private static List<String> viewer(EvaluatorConfig c) {
        return c.api().viewerTokens().orElse(List.of()).stream().filter(t -> !t.isBlank()).toList();
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (!path.startsWith("/v1/") && !path.startsWith("v1/")) {
            return;
        }
        String role = role(ctx.getHeaderString(HttpHeaders.AUTHORIZATION), operator(config.get()), viewer(config.get()));
        boolean write = !("GET".equals(ctx.getMethod()) || "HEAD".equals(ctx.getMethod()));
        if (role == null || (write && OPEN.equals(role))) {
            ctx.abortWith(Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED,
                            "a known bearer token is required", "Authorization"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"hangcheck\"").build());
        } else if (write && !OPERATOR.equals(role)) {
            ctx.abortWith(Problem.response(Response.Status.FORBIDDEN, "role " + role + " may not change anything", "Authorization"));
        }
    }

    /** The caller's role: operator, viewer, anonymous (no tokens configured and none sent), or null (refused). */
    static String role(String header, List<String> operators, List<String> viewers) {
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        if (token == null || token.isEmpty()) {
            return operators.isEmpty() && viewers.isEmpty() ? OPEN : null;
        }
        return matches(token, operators) ? OPERATOR : matches(token, viewers) ? VIEWER : null;
    }

    /** Constant-time comparison against every configured token. */
    private static boolean matches(String token, List<String> known) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String k : known) {
            found |= MessageDigest.isEqual(t, k.strip().getBytes(StandardCharsets.UTF_8));
        }
        return found;
    }
}
