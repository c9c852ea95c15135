package io.hangcheck.executor.console;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's calls to the read APIs carry the configured viewer token, and none when it is unset. */
class PeersTokenTest {

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startPeer() throws IOException {
        // a read API that wants "Bearer console-token", as the evaluator's and the socket monitor's do
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/hosts/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(auth));
            boolean ok = "Bearer console-token".equals(auth);
            byte[] body = (ok ? "{\"hostId\":\"h1\"}" : "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"a viewer token is required\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopPeer() {
        server.stop(0);
    }

    private Peers peers(Optional<String> token) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        Peers p = new Peers();
        p.config = new ConsoleConfig() {
            public String evaluatorUrl() { return url; }
            public String socketMonitorUrl() { return url; }
            public Optional<String> peerToken() { return token; }
            public Duration peerTimeout() { return Duration.ofSeconds(5); }
            public Duration sessionIdle() { return Duration.ofHours(8); }
            public int pageSize() { return 50; }
        };
        return p;
    }

    @Test
    void configuredTokenIsSentAsBearer() {
        Peers.Fetched<?> f = peers(Optional.of(" console-token ")).host("h1");

        assertThat(f.failure()).isNull();
        assertThat(authorizations).containsExactly("Bearer console-token");
    }

    @Test
    void withoutATokenNoneIsSentAndTheRefusalIsShown() {
        Peers.Fetched<?> f = peers(Optional.empty()).host("h1");

        assertThat(authorizations).containsExactly("null");
        assertThat(f.failure()).isEqualTo("evaluator answered 401: a viewer token is required");
    }
}
