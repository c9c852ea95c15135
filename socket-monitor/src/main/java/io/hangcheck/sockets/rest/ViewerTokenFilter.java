package io.hangcheck.sockets.rest;

import io.hangcheck.sockets.config.SocketsConfig;
import io.hangcheck.support.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The read API ({@code /v1/...}: every peer and port of the node, the PostgreSQL clients) behind viewer bearer
 * tokens when {@code hangcheck.sockets.api.viewer-tokens} is set (a Kubernetes Secret via the environment); open
 * when none is set, which the service logs at start. No or an unknown token → 401 naming {@code Authorization}.
 * Probes, metrics and the OpenAPI document stay open (Prometheus scrapes without a token).
 */
@Provider
public class ViewerTokenFilter implements ContainerRequestFilter {
    /** A provider: filters are built at static init, before runtime configuration exists. */
    @Inject
    jakarta.inject.Provider<SocketsConfig> config;

    @Override
    public void filter(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        List<String> tokens = tokens(config.get());
        if (tokens.isEmpty() || !(path.startsWith("/v1/") || path.startsWith("v1/") || path.equals("/v1"))) {
            return;
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
        if (!known(token, tokens)) {
            ctx.abortWith(Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED,
                            token.isEmpty() ? "a viewer bearer token is required" : "the bearer token is not known",
                            "Authorization"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"hangcheck\"").build());
        }
    }

    /** The configured viewer tokens, blanks left out. */
    public static List<String> tokens(SocketsConfig c) {
        return c.api().viewerTokens().orElse(List.of()).stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    /** Constant-time against every token, so the time taken tells nothing about how much of one matched. */
    static boolean known(String token, List<String> tokens) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String k : tokens) {
            found |= MessageDigest.isEqual(t, k.getBytes(StandardCharsets.UTF_8));
        }
        return found && !token.isEmpty();
    }
}
