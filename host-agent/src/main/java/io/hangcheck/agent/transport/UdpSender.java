package io.hangcheck.agent.transport;

import io.hangcheck.agent.config.Endpoint;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends datagrams from one connected {@link DatagramChannel}. Connecting makes the kernel report an ICMP "port
 * unreachable" for an earlier datagram as a {@link java.net.PortUnreachableException} on a later send, which is the
 * only failure signal UDP gives; on any error the channel is closed and the name resolved again next time.
 */
public final class UdpSender implements Closeable {
    private final Endpoint target;
    private DatagramChannel channel;

    public UdpSender(Endpoint target) {
        this.target = target;
    }

    public synchronized void send(byte[] datagram) throws IOException {
        if (channel == null) {
            DatagramChannel c = DatagramChannel.open();
            try {
                c.connect(new InetSocketAddress(target.host(), target.port()));
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
            channel = c;
        }
        try {
            int sent = channel.write(ByteBuffer.wrap(datagram));
            if (sent != datagram.length) {
                throw new IOException("datagram not sent whole");
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // released either way
            }
            channel = null;
        }
    }
}
