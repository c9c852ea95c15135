package io.hangcheck.agent.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;

/**
 * Where ingest listens: {@code host:port}, {@code http://host:port} or {@code https://host[:port]}.
 * HTTP and UDP share the port number unless the UDP target is given on its own.
 */
public record Endpoint(String scheme, String host, int port) {

    public static final int DEFAULT_PORT = 8081;

    public static Endpoint parse(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new ConfigException(field, "is empty");
        }
        String t = text.trim();
        if (!t.contains("://")) {
            t = "http://" + t;
        }
        URI uri;
        try {
            uri = URI.create(t);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(field, "'" + text + "' is not host:port or a URL");
        }
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigException(field, "scheme must be http or https, not " + scheme);
        }
        if (uri.getHost() == null) {
            throw new ConfigException(field, "'" + text + "' has no host");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            throw new ConfigException(field, "give the base address only (the agent adds /v1/heartbeats)");
        }
        int port = uri.getPort();
        if (port < 0) {
            port = scheme.equals("https") ? 443 : DEFAULT_PORT;
        }
        return new Endpoint(scheme, uri.getHost(), port);
    }

    public boolean tls() {
        return scheme.equals("https");
    }

    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The value of the HTTP {@code Host} header. */
    public String hostHeader() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        boolean defaultPort = (tls() && port == 443) || (!tls() && port == 80);
        return defaultPort ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader();
    }
}
