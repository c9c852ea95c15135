package io.hangcheck.ingest.udp;

import io.hangcheck.events.InvalidEventException;
import io.hangcheck.events.Transport;
import io.hangcheck.events.wire.UdpLine;
import io.hangcheck.ingest.config.AuthSetup;
import io.hangcheck.ingest.config.IngestConfig;
import io.hangcheck.ingest.domain.RejectReason;
import io.hangcheck.ingest.domain.SignaturePolicy;
import io.hangcheck.events.SourceNetwork;
import io.hangcheck.ingest.messaging.Intake;
import io.hangcheck.ingest.messaging.Publisher;
import io.hangcheck.ingest.metrics.IngestMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The UDP path: one {@code hc1} heartbeat per datagram ({@link UdpLine}), on the HTTP server's port number.
 *
 * <p>A blocking {@link DatagramChannel} read by dedicated threads ({@code receive-threads}), not a Vert.x datagram
 * socket: this is the path that must still work when HTTP is flooded or out of connections, so it shares no event
 * loop with HTTP; a blocking receive into a reused buffer per thread is the least work per datagram; bursts wait
 * in the kernel's receive buffer ({@code receive-buffer-bytes}). While one thread receives, the others parse,
 * check and hand their datagram to the producer. No thread waits for Kafka: sends are asynchronous and the
 * acknowledgement is only counted. Every drop is counted by reason and logged (rate-limited). With more than one
 * thread, two datagrams of one host may be published in the other order; UDP never promised order, and hosts send
 * one heartbeat per interval.
 */
@Singleton
public class UdpReceiver {

    private static final Logger LOG = Logger.getLogger(UdpReceiver.class);

    private static final Publisher.Acknowledgement COUNTED_BY_INTAKE = error -> { };

    private final IngestConfig config;
    private final Intake intake;
    private final IngestMetrics metrics;
    private final SignaturePolicy signatures;
    private final DropLog dropLog = new DropLog(LOG, 10_000);
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile DatagramChannel channel;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile int port = -1;
    private volatile KernelDrops kernelDrops;

    @Inject
    public UdpReceiver(IngestConfig config, Intake intake, IngestMetrics metrics, AuthSetup auth) {
        this.config = config;
        this.intake = intake;
        this.metrics = metrics;
        this.signatures = new SignaturePolicy(auth.signaturesRequired(config), auth.credentials());
    }

    /** Binds once the HTTP server listens, so "the same port" is the port it actually got (tests use port 0). */
    void onHttpStart(@ObservesAsync HttpServerStart start) {
        if (!config.udp().enabled() || channel != null) {
            return;
        }
        int p = config.udp().port().orElse(httpPort(start));
        String host = config.udp().host().orElse(start.options().getHost());
        start(host, p);
    }

    private static int httpPort(HttpServerStart start) {
        if (start.options().getPort() > 0) {
            return start.options().getPort();
        }
        // A random port (0) was asked for: Quarkus publishes the one it got as configuration.
        var cfg = ConfigProvider.getConfig();
        for (String key : new String[]{"quarkus.http.test-port", "quarkus.http.port"}) {
            var v = cfg.getOptionalValue(key, Integer.class);
            if (v.isPresent() && v.get() > 0) {
                return v.get();
            }
        }
        throw new IllegalStateException("cannot tell which port the HTTP server got; set hangcheck.ingest.udp.port");
    }

    synchronized void start(String host, int requestedPort) {
        if (channel != null) {
            return;
        }
        try {
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, config.udp().receiveBufferBytes());
            ch.bind(new InetSocketAddress(host, requestedPort));
            channel = ch;
            port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            int granted = ch.getOption(StandardSocketOptions.SO_RCVBUF);
            metrics.udpReceiveBuffer.set(granted);
            if (granted < config.udp().receiveBufferBytes()) {
                // Linux doubles what it grants; less than asked means net.core.rmem_max capped it.
                LOG.warnf("UDP receive buffer: asked %d bytes, the kernel granted %d (raise net.core.rmem_max)",
                        config.udp().receiveBufferBytes(), granted);
            }
            kernelDrops = KernelDrops.forPort(port);
        } catch (IOException e) {
            LOG.errorf(e, "cannot bind UDP %s:%d; the UDP path is off", host, requestedPort);
            return;
        }
        int n = Math.max(1, config.udp().receiveThreads());
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::receiveLoop, "ingest-udp-" + port + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        bound.countDown();
        LOG.infof("UDP heartbeats (hc1) on %s:%d, %d receive threads", host, port, n);
    }

    void onStop(@Observes ShutdownEvent event) {
        DatagramChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The bound port, waiting up to {@code timeoutMillis} for the bind; -1 when not bound. */
    public int port(long timeoutMillis) {
        try {
            bound.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return port;
    }

    /** Datagrams the kernel dropped on this socket since it was bound (receive buffer full), or -1 when unknown. */
    public long kernelDropsTotal() {
        KernelDrops k = kernelDrops;
        return k == null ? -1 : k.total().orElse(-1);
    }

    private void receiveLoop() {
        // One byte more than the limit: a datagram that fills it was longer than allowed (the rest is cut off).
        ByteBuffer buffer = ByteBuffer.allocate(UdpLine.MAX_BYTES + 1);
        byte[] bytes = buffer.array();
        DatagramChannel ch = channel;
        java.net.SocketAddress sender;
        while (ch.isOpen()) {
            buffer.clear();
            try {
                sender = ch.receive(buffer);
                if (sender == null) {
                    continue;
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warnf("UDP receive failed: %s", e.toString());
                continue;
            }
            try {
                handle(bytes, buffer.position(), sender instanceof InetSocketAddress a ? a.getAddress() : null);
            } catch (RuntimeException e) {
                // Never let one datagram end the path for everyone.
                LOG.errorf(e, "unexpected failure on a UDP datagram");
            }
        }
    }

    void handle(byte[] bytes, int length) {
        handle(bytes, length, null);
    }

    /** One datagram from {@code sender} (null: unknown), whose /24 or /64 is stamped as the heartbeat's {@code net}. */
    void handle(byte[] bytes, int length, java.net.InetAddress sender) {
        metrics.received(Transport.UDP, 1);
        if (length > UdpLine.MAX_BYTES) {
            drop(RejectReason.TOO_LARGE, "datagram longer than " + UdpLine.MAX_BYTES + " bytes");
            return;
        }
        UdpLine.Parsed parsed;
        try {
            parsed = UdpLine.parse(bytes, length);
            intake.checkSentAt(parsed.heartbeat());
        } catch (InvalidEventException e) {
            boolean malformed = e.field().equals("$") || e.field().equals("version");
            drop(malformed ? RejectReason.MALFORMED : RejectReason.INVALID, e.getMessage());
            return;
        }
        RejectReason signature = signatures.check(parsed);
        if (signature != null) {
            drop(signature, "host " + parsed.heartbeat().hostId());
            return;
        }
        RejectReason refusal = intake.refusal();
        if (refusal != null) {
            drop(refusal, "host " + parsed.heartbeat().hostId());
            return;
        }
        // Not waited for: the acknowledgement is counted by the intake (accepted, or publish_failed).
        intake.accept(parsed.heartbeat(), Transport.UDP, SourceNetwork.of(sender), COUNTED_BY_INTAKE);
    }

    private void drop(RejectReason reason, String detail) {
        metrics.rejected(Transport.UDP, reason, 1);
        dropLog.dropped(reason, detail);
    }
}
