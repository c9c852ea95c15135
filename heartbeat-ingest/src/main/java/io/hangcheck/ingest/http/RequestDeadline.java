package io.hangcheck.ingest.http;

import io.hangcheck.ingest.config.IngestConfig;
import io.hangcheck.ingest.domain.RejectReason;
import io.hangcheck.events.Transport;
import io.hangcheck.ingest.metrics.IngestMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.lang.reflect.Field;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deadline for reading each request, against clients that trickle it (slowloris): its headers must be complete
 * {@code http.header-timeout} after the connection was accepted, or after the first byte of a later request on a
 * kept-alive connection; its body must be complete {@code http.body-timeout} plus the header timeout after its
 * headers (the heartbeat route answers 408 at the body timeout itself; this is the backstop for every other route).
 * A connection past its deadline is closed and counted ({@code rejected_total{transport="http",reason="slow_headers"}}
 * or {@code reason="too_slow"}). The wait between requests on a kept-alive connection is not bounded here (that is
 * {@code quarkus.http.idle-timeout}): agents keep one connection and post once a minute.
 *
 * <p>Why hand-written: Vert.x's HTTP server has idle timeouts only, and every byte read resets them, so a client
 * sending one header byte every few seconds holds its connection (and a slot of the connection budget) for ever;
 * a request becomes visible to routes, filters and the metrics SPI only once its headers are complete. The check
 * must therefore sit in front of Netty's HTTP decoder. Quarkus owns the server and its connection handler, so the
 * deadline is put on the listening channel once the server started: a handler there sees every accepted connection
 * before Vert.x configures it and puts the per-connection deadline first in its pipeline (raw bytes: a request
 * started) with a companion after the HTTP decoder (a request's head and its end). Reaching the listening channel
 * takes one private field of Vert.x's {@code TCPServerBase}; if a Vert.x upgrade moves it, ingest logs an ERROR at
 * start and exports {@code hangcheck_ingest_http_request_deadline 0} (and the test of this class fails).
 */
@Singleton
public class RequestDeadline {

    private static final Logger LOG = Logger.getLogger(RequestDeadline.class);
    static final String ACCEPTOR = "hangcheck-request-deadline";
    static final String RAW = "hangcheck-request-deadline-raw";
    static final String DECODED = "hangcheck-request-deadline-decoded";
    private static final long LOG_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Vertx vertx;
    private final IngestMetrics metrics;
    private final long headerMillis;
    private final long bodyMillis;
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_PERIOD_NANOS - 1);
    private final AtomicLong unlogged = new AtomicLong();
    private volatile boolean installed;

    @Inject
    public RequestDeadline(Vertx vertx, IngestMetrics metrics, IngestConfig config) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.headerMillis = Math.max(1, config.http().headerTimeout().toMillis());
        this.bodyMillis = Math.max(1, config.http().bodyTimeout().toMillis()) + headerMillis;
    }

    /** Whether the deadline is on the HTTP server's listening channel. */
    public boolean installed() {
        return installed;
    }

    synchronized void onStart(@ObservesAsync HttpServerStart start) {
        try {
            int n = 0;
            for (TCPServerBase server : ((VertxInternal) vertx).sharedHttpServers().values()) {
                Channel listening = listeningChannel(server);
                if (listening != null && listening.pipeline().get(ACCEPTOR) == null) {
                    listening.pipeline().addFirst(ACCEPTOR, new Acceptor());
                    n++;
                }
            }
            if (n == 0 && installed) {
                return; // already on every listening socket (the event comes once per HTTP verticle)
            }
            if (n == 0) {
                throw new IllegalStateException("no listening HTTP socket found");
            }
            installed = true;
            LOG.infof("HTTP request deadline on %d listening socket(s): headers within %d ms, bodies within %d ms of their headers",
                    n, headerMillis, bodyMillis);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.errorf("HTTP request deadline NOT installed (%s): a client trickling its headers holds its connection until "
                    + "the idle timeout", e.toString());
        }
        metrics.requestDeadline.set(installed ? 1 : 0);
    }

    private static Channel listeningChannel(TCPServerBase server) throws ReflectiveOperationException {
        Field f = TCPServerBase.class.getDeclaredField("bindFuture");
        f.setAccessible(true);
        Object future = f.get(server);
        if (future instanceof io.vertx.core.Future<?> bound && bound.succeeded() && bound.result() instanceof Channel c) {
            return c;
        }
        return null;
    }

    private void cut(Channel channel, RejectReason reason, long millis) {
        metrics.rejected(Transport.HTTP, reason, 1);
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last > LOG_PERIOD_NANOS && lastLog.compareAndSet(last, now)) {
            long more = unlogged.getAndSet(0);
            LOG.warnf("HTTP connection from %s closed: request %s not complete within %d ms%s", channel.remoteAddress(),
                    reason == RejectReason.HEADERS_TOO_SLOW ? "headers" : "body", millis,
                    more > 0 ? " (+" + more + " more since the last report)" : "");
        } else {
            unlogged.incrementAndGet();
        }
        channel.close();
    }

    /** On the listening channel: each accepted connection gets its own deadline before Vert.x sets it up. */
    @ChannelHandler.Sharable
    final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                child.pipeline().addFirst(RAW, new Deadline());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private enum Phase { HEAD, BODY, BETWEEN }

    /**
     * One connection's deadline, first in its pipeline (raw bytes); its companion after the HTTP decoder sees each
     * request's head and end. Both run on the connection's event loop only.
     */
    final class Deadline extends ChannelInboundHandlerAdapter {
        private Phase phase = Phase.HEAD;
        private ScheduledFuture<?> timer;
        private boolean companion;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                arm(ctx, Phase.HEAD);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (timer == null && phase == Phase.HEAD) {
                arm(ctx, Phase.HEAD);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!companion && ctx.pipeline().get("httpDecoder") != null) {
                ctx.pipeline().addAfter("httpDecoder", DECODED, new Decoded(this, ctx));
                companion = true;
            }
            if (phase == Phase.BETWEEN) {
                arm(ctx, Phase.HEAD); // the first byte of the next request
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancel();
        }

        void headComplete(ChannelHandlerContext ctx) {
            arm(ctx, Phase.BODY);
        }

        void requestComplete() {
            cancel();
            phase = Phase.BETWEEN;
        }

        private void arm(ChannelHandlerContext ctx, Phase p) {
            cancel();
            phase = p;
            long millis = p == Phase.HEAD ? headerMillis : bodyMillis;
            RejectReason reason = p == Phase.HEAD ? RejectReason.HEADERS_TOO_SLOW : RejectReason.TOO_SLOW;
            timer = ctx.executor().schedule(() -> {
                timer = null;
                if (phase == p && ctx.channel().isActive()) {
                    cut(ctx.channel(), reason, millis);
                }
            }, millis, TimeUnit.MILLISECONDS);
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    /** After the HTTP decoder: a request's head (headers complete) and its last content (body complete). */
    static final class Decoded extends ChannelInboundHandlerAdapter {
        private final Deadline deadline;
        private final ChannelHandlerContext rawCtx;

        Decoded(Deadline deadline, ChannelHandlerContext rawCtx) {
            this.deadline = deadline;
            this.rawCtx = rawCtx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                deadline.headComplete(rawCtx);
            }
            if (msg instanceof LastHttpContent) {
                deadline.requestComplete();
            }
            ctx.fireChannelRead(msg);
        }
    }
}
