package io.hangcheck.executor.console;

import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.rest.BearerAuthFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in console sessions. The bearer token an operator types in is kept here, on the server, under a
 * random session id that travels only in an HttpOnly, SameSite=Strict cookie: never in a URL, never readable
 * by a script. The role is worked out from the token on every request, so removing a token from the
 * configuration ends its sessions. Each session has its own CSRF token, required by every form.
 */
@ApplicationScoped
public class Sessions {
    public static final String COOKIE = "hangcheck_console";

    /** A signed-in operator or viewer. */
    public record Session(String id, String token, String name, String csrf, Instant lastUsed) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    @Inject
    ExecutorConfig config;
    @Inject
    ConsoleConfig console;
    @Inject
    Clock clock;

    /** The role a bearer token has ({@code operator}, {@code viewer}), the same tokens as the admin API. */
    public Optional<String> roleOf(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        if (known(token, config.admin().operatorTokens().orElse(List.of()))) {
            return Optional.of(BearerAuthFilter.OPERATOR);
        }
        return known(token, config.admin().viewerTokens().orElse(List.of())) ? Optional.of(BearerAuthFilter.VIEWER) : Optional.empty();
    }

    /** Opens a session for a known token; empty when the token is not known. */
    public Optional<Session> signIn(String token, String name) {
        if (roleOf(token).isEmpty()) {
            return Optional.empty();
        }
        Session s = new Session(randomId(), token.strip(), name == null || name.isBlank() ? null : name.strip(), randomId(), clock.instant());
        sessions.put(s.id(), s);
        return Optional.of(s);
    }

    /** The live session of a cookie value, touched; empty when unknown, idle too long, or its token was revoked. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        Instant now = clock.instant();
        if (s == null) {
            return Optional.empty();
        }
        if (s.lastUsed().plus(console.sessionIdle()).isBefore(now) || roleOf(s.token()).isEmpty()) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(s.id(), s.token(), s.name(), s.csrf(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    public void signOut(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** True when the form's CSRF token is the session's (compared in constant time). */
    public static boolean csrfMatches(Session s, String given) {
        return given != null && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private String randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static boolean known(String token, List<String> tokens) {
        byte[] t = token.strip().getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String k : tokens) {
            if (k != null && !k.isBlank()) {
                found |= MessageDigest.isEqual(t, k.strip().getBytes(StandardCharsets.UTF_8));
            }
        }
        return found;
    }
}
