package io.hangcheck.executor.rest;

import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.support.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.List;

/**
 * Bearer tokens for the admin API ({@code /v1/...}): tokens come from config (a Kubernetes Secret via the
 * environment). Role {@code viewer} may read; role {@code operator} may also write. No or an unknown token
 * → 401; a viewer's write → 403. Probes, metrics and the OpenAPI document stay open.
 */
@Provider
public class BearerAuthFilter implements ContainerRequestFilter {
    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";

    /** A provider: filters are built at static init, before runtime configuration exists. */
    @Inject
    jakarta.inject.Provider<ExecutorConfig> config;

    @Override
    public void filter(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (!path.startsWith("/v1/") && !path.startsWith("v1/")) {
            return;
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        String role = token == null || token.isEmpty() ? null
                : matches(token, config.get().admin().operatorTokens().orElse(List.of())) ? OPERATOR
                : matches(token, config.get().admin().viewerTokens().orElse(List.of())) ? VIEWER : null;
        if (role == null) {
            ctx.abortWith(Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED,
                            token == null ? "a bearer token is required" : "the bearer token is not known", "Authorization"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"hangcheck\"").build());
            return;
        }
        boolean write = !("GET".equals(ctx.getMethod()) || "HEAD".equals(ctx.getMethod()));
        if (write && !OPERATOR.equals(role)) {
            ctx.abortWith(Problem.response(Response.Status.FORBIDDEN, "role " + role + " may not change anything", "Authorization"));
            return;
        }
        String r = role;
        boolean secure = ctx.getSecurityContext() != null && ctx.getSecurityContext().isSecure();
        ctx.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> r;
            }

            @Override
            public boolean isUserInRole(String wanted) {
                return r.equals(wanted) || (OPERATOR.equals(r) && VIEWER.equals(wanted));
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        });
    }

    /** Constant-time comparison against every configured token. */
    private static boolean matches(String token, List<String> known) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String k : known) {
            if (k != null && !k.isBlank()) {
                found |= MessageDigest.isEqual(t, k.strip().getBytes(StandardCharsets.UTF_8));
            }
        }
        return found;
    }
}
