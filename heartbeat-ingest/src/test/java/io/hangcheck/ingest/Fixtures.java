package io.hangcheck.ingest;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.wire.UdpLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Heartbeats as hosts send them, and ways to send them. */
public final class Fixtures {

    private Fixtures() {
    }

    public static String uniqueHost(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Heartbeat heartbeat(String host, long seq) {
        return Heartbeat.fromHost(host, "boot-1", seq, Instant.now(), Map.of("pool", "gpu"), 3600L);
    }

    /** The JSON a host sends: no type, no ingest stamps. */
    public static String json(Heartbeat hb) {
        return "{\"hostId\":\"" + hb.hostId() + "\",\"bootId\":\"" + hb.bootId() + "\",\"seq\":" + hb.seq()
                + ",\"sentAt\":\"" + hb.sentAt() + "\",\"labels\":{\"pool\":\"gpu\"},\"uptimeSeconds\":3600}";
    }

    public static String roundTrip(Heartbeat hb) {
        return EventCodec.toJson(hb);
    }

    public static void udp(int port, byte[] datagram) {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void udp(int port, String line) {
        udp(port, line.getBytes(StandardCharsets.UTF_8));
    }

    public static void udp(int port, Heartbeat hb, byte[] keyOrNull) {
        udp(port, UdpLine.format(hb, keyOrNull));
    }
}
