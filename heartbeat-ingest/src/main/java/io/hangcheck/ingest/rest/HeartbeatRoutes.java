package io.hangcheck.ingest.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Transport;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.ingest.config.AuthSetup;
import io.hangcheck.ingest.config.IngestConfig;
import io.hangcheck.ingest.domain.Credentials;
import io.hangcheck.ingest.domain.HttpBody;
import io.hangcheck.ingest.domain.RejectReason;
import io.hangcheck.ingest.domain.Rejection;
import io.hangcheck.events.SourceNetwork;
import io.hangcheck.ingest.messaging.Intake;
import io.hangcheck.ingest.metrics.IngestMetrics;
import io.hangcheck.support.Problem;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /v1/heartbeats} as a plain Vert.x route on Quarkus's HTTP server: the hot path stays on the
 * event loop, reads its body under a size limit, and answers 202 only once Kafka acknowledged every
 * heartbeat in it. Errors are {@code application/problem+json} naming the field.
 *
 * <p>Order of checks: authentication (401), content type (415), declared length (413), body read with the
 * limit (413), parse and validate (400 / 413 for a batch over the limit), Kafka availability (503 with
 * Retry-After), publish, then 202 or 503.
 */
@Singleton
public class HeartbeatRoutes {

    public static final String PATH = "/v1/heartbeats";
    public static final String NOOP_PATH = "/v1/noop";
    private static final Logger LOG = Logger.getLogger(HeartbeatRoutes.class);
    private static final String JSON = "application/json";


    private final Intake intake;
    private final IngestMetrics metrics;
    private final IngestConfig config;
    private final Credentials credentials;

    @Inject
    public HeartbeatRoutes(Intake intake, IngestMetrics metrics, IngestConfig config, AuthSetup auth) {
        this.intake = intake;
        this.metrics = metrics;
        this.config = config;
        this.credentials = auth.credentials();
    }

    void install(@Observes Router router) {
        router.post(PATH).handler(this::heartbeats);
        if (config.bench().noopRoute()) {
            LOG.warn("bench profile: POST " + NOOP_PATH + " is served (a reference route that does nothing)");
            router.post(NOOP_PATH).handler(this::noop);
        }
    }

    private void heartbeats(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        byte[] token = bearer(req.getHeader(HttpHeaders.AUTHORIZATION));
        if (credentials.httpAuthenticated() && token == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hangcheck\"");
            reject(ctx, new Rejection(RejectReason.UNAUTHORIZED, "Authorization", "a valid bearer token is required"), 1);
            return;
        }
        String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!isJson(type)) {
            reject(ctx, new Rejection(RejectReason.UNSUPPORTED_MEDIA_TYPE, "Content-Type",
                    "expected application/json, got " + (type == null ? "none" : type)), 1);
            return;
        }
        int limit = config.http().maxBodyBytes();
        String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && tooLong(declared, limit)) {
            rejectAndClose(ctx, new Rejection(RejectReason.TOO_LARGE, "$", "body of " + declared + " bytes is more than " + limit));
            return;
        }
        if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
            // Only now, after authentication, type and declared length passed: a refused client sends no body.
            ctx.response().writeContinue();
        }
        Context context = Vertx.currentContext();
        readBody(ctx, limit, bytes -> process(ctx, context, bytes, token));
    }

    /** Reads the body up to {@code limit} bytes, answering 413 (and closing) as soon as it grows past it. */
    private void readBody(RoutingContext ctx, int limit, java.util.function.Consumer<byte[]> then) {
        HttpServerRequest req = ctx.request();
        BodyReader body = new BodyReader(limit);
        long timeoutMs = Math.max(1, config.http().bodyTimeout().toMillis());
        long timer = ctx.vertx().setTimer(timeoutMs, id -> {
            if (!ctx.response().ended()) {
                rejectAndClose(ctx, new Rejection(RejectReason.TOO_SLOW, "$", "body not complete within " + timeoutMs + " ms"));
            }
        });
        req.handler(chunk -> {
            if (!body.append(chunk) && !ctx.response().ended()) {
                ctx.vertx().cancelTimer(timer);
                rejectAndClose(ctx, new Rejection(RejectReason.TOO_LARGE, "$", "body is more than " + limit + " bytes"));
            }
        });
        req.exceptionHandler(e -> {
            ctx.vertx().cancelTimer(timer);
            LOG.debugf("request body failed: %s", e.toString());
        });
        req.endHandler(v -> {
            ctx.vertx().cancelTimer(timer);
            if (!body.overflowed && !ctx.response().ended()) {
                then.accept(body.bytes());
            }
        });
    }

    /**
     * Answers, then closes the connection after a bounded drain of the body still coming: at most
     * {@link #LINGER_BYTES} more bytes or {@link #LINGER_MS} ms, whichever ends first (a 413 that read to the end
     * would read and discard gigabytes of a chunked body at one core).
     *
     * <p>The drain is what lets the client read the answer. A socket closed with unread bytes in its receive buffer
     * is reset, not closed (RFC 1122 4.2.2.13), and the reset may overtake the answer: a client still sending a
     * 300 KB body with a declared length saw no answer at all ("header parser received no bytes"), now and then.
     * Draining what a well-meaning client sends makes the close an orderly one; a client sending more than the
     * linger bound is cut as before.
     */
    private void rejectAndClose(RoutingContext ctx, Rejection r) {
        HttpServerRequest req = ctx.request();
        req.pause();
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        ctx.response().endHandler(v -> drainThenClose(ctx));
        reject(ctx, r, 1);
    }

    /** Largest number of body bytes read and discarded after an early answer, before the connection is closed. */
    static final long LINGER_BYTES = 2L << 20;
    /** Longest time the rest of a body is read and discarded after an early answer. */
    static final long LINGER_MS = 2_000;

    private static void drainThenClose(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        io.vertx.core.http.HttpConnection connection = req.connection();
        if (req.isEnded()) {
            connection.close();
            return;
        }
        long[] drained = {0};
        long timer = ctx.vertx().setTimer(LINGER_MS, id -> connection.close());
        req.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > LINGER_BYTES) {
                ctx.vertx().cancelTimer(timer);
                connection.close();
            }
        });
        req.endHandler(v -> {
            ctx.vertx().cancelTimer(timer);
            connection.close();
        });
        req.exceptionHandler(e -> {
            ctx.vertx().cancelTimer(timer);
            connection.close();
        });
        req.resume();
    }

    private void process(RoutingContext ctx, Context context, byte[] bytes, byte[] token) {
        HttpBody.Parsed parsed = HttpBody.parse(bytes, config.http().maxBatch(), intake.now());
        if (!parsed.ok()) {
            metrics.received(Transport.HTTP, 1);
            reject(ctx, parsed.rejection(), 1);
            return;
        }
        int n = parsed.heartbeats().size();
        metrics.received(Transport.HTTP, n);
        Rejection forbidden = notAllowed(parsed.heartbeats(), token);
        if (forbidden != null) {
            // The whole batch: a token that may not speak for one of its hosts publishes nothing (D1).
            if (forbidden.reason() == RejectReason.UNAUTHORIZED) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hangcheck\"");
            }
            reject(ctx, forbidden, n);
            return;
        }
        RejectReason refusal = intake.refusal();
        if (refusal != null) {
            reject(ctx, new Rejection(refusal, "$", refusal.sentence()), n);
            return;
        }
        // Answered on the request's own context once Kafka answered for every heartbeat; nothing waits meanwhile.
        // Stamped with the peer's source network (/24, /64): the path the host's heartbeats take (the group guard).
        String net = SourceNetwork.ofLiteral(ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress());
        intake.acceptAll(parsed.heartbeats(), Transport.HTTP, net, error -> context.runOnContext(v -> answer(ctx, n, error)));
    }

    private void answer(RoutingContext ctx, int n, Throwable error) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (error == null) {
            ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .end("{\"accepted\":" + n + "}");
        } else {
            // Counted per heartbeat as publish_failed by the intake already.
            problem(ctx, RejectReason.PUBLISH_FAILED, "$", "Kafka did not acknowledge: " + rootMessage(error));
        }
    }

    /** Reads the body like the real route, then answers 202 without looking at it: the benchmark's reference. */
    private void noop(RoutingContext ctx) {
        readBody(ctx, config.http().maxBodyBytes(), bytes -> ctx.response().setStatusCode(202)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON).end("{\"accepted\":0}"));
    }

    private void reject(RoutingContext ctx, Rejection r, int count) {
        metrics.rejected(Transport.HTTP, r.reason(), count);
        problem(ctx, r.reason(), r.field(), r.detail());
    }

    private void problem(RoutingContext ctx, RejectReason reason, String field, String detail) {
        HttpServerResponse resp = ctx.response();
        if (resp.ended()) {
            return;
        }
        if (reason.status() == 503) {
            resp.putHeader("Retry-After", String.valueOf(config.http().retryAfterSeconds()));
        }
        String body;
        try {
            body = EventCodec.mapper().writeValueAsString(
                    Problem.of(Response.Status.fromStatusCode(reason.status()), detail, field));
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + reason.status() + "}";
        }
        resp.setStatusCode(reason.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(body);
    }

    /**
     * Null when {@code token} may speak for every host of the request (or HTTP is unauthenticated); else 401 when it
     * speaks for none of them (unknown token), or 403 naming the first host it may not speak for.
     */
    private Rejection notAllowed(List<Heartbeat> heartbeats, byte[] token) {
        if (!credentials.httpAuthenticated()) {
            return null;
        }
        int firstRefused = -1;
        boolean anyAllowed = false;
        for (int i = 0; i < heartbeats.size(); i++) {
            if (credentials.mayPost(token, heartbeats.get(i).hostId())) {
                anyAllowed = true;
            } else if (firstRefused < 0) {
                firstRefused = i;
            }
        }
        if (firstRefused < 0) {
            return null;
        }
        String pool = credentials.poolOf(token);
        if (!anyAllowed && pool == null) {
            return new Rejection(RejectReason.UNAUTHORIZED, "Authorization", "a valid bearer token is required");
        }
        String field = heartbeats.size() == 1 ? "hostId" : "[" + firstRefused + "].hostId";
        return new Rejection(RejectReason.HOST_NOT_ALLOWED, field, "this token may not speak for host "
                + heartbeats.get(firstRefused).hostId() + (pool == null ? "" : " (outside pool " + pool + ")"));
    }

    /** The bearer token's bytes, or null when there is none. */
    private static byte[] bearer(String header) {
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String t = header.substring(7).trim();
        return t.isEmpty() ? null : t.getBytes(StandardCharsets.UTF_8);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return mime.equals(JSON);
    }

    private static boolean tooLong(String declared, int limit) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // Vert.x itself rejects a malformed Content-Length
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Collects the body up to the limit. */
    private static final class BodyReader {
        private final int limit;
        private Buffer buffer;
        private boolean overflowed;

        BodyReader(int limit) {
            this.limit = limit;
        }

        boolean append(Buffer chunk) {
            if (overflowed) {
                return true;
            }
            int have = buffer == null ? 0 : buffer.length();
            if (have + chunk.length() > limit) {
                overflowed = true;
                buffer = null;
                return false;
            }
            if (buffer == null) {
                buffer = chunk.copy();
            } else {
                buffer.appendBuffer(chunk);
            }
            return true;
        }

        byte[] bytes() {
            return buffer == null ? new byte[0] : buffer.getBytes();
        }
    }
}
