package io.hangcheck.simulator;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The BMCs over HTTPS, with what BMCs ship: a self-signed certificate with no subject alternative name (made at
 * start with the JDK's keytool, which adds none unless told). Its PEM is written beside the key store so that a
 * client may trust it as a CA bundle — and still fail the host-name check, as with a real iDRAC.
 */
final class BmcTls {
    private final HttpsServer server;
    private final Path certificate;

    private BmcTls(HttpsServer server, Path certificate) {
        this.server = server;
        this.certificate = certificate;
    }

    static BmcTls start(InetSocketAddress address, ExecutorService executor, HttpHandler handler) throws IOException {
        Path dir = Files.createTempDirectory("hangcheck-sim-bmc-tls");
        dir.toFile().deleteOnExit();
        Path store = dir.resolve("bmc.p12");
        char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12)).toCharArray();
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "bmc", "-keyalg", "RSA", "-keysize", "2048", "-validity", "365",
                "-dname", "CN=hangcheck-sim-bmc, O=hangcheck", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(password), "-keypass", new String(password)));
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password);
            }
            Path pem = dir.resolve("bmc.crt");
            Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ks.getCertificate("bmc").getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            store.toFile().deleteOnExit();
            pem.toFile().deleteOnExit();
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(address, 64);
            server.setHttpsConfigurator(new HttpsConfigurator(ctx));
            server.setExecutor(executor);
            server.createContext("/", handler);
            server.start();
            return new BmcTls(server, pem);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up the BMCs' TLS: " + e, e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    Path certificate() {
        return certificate;
    }

    void stop() {
        server.stop(0);
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making the BMC certificate", e);
        }
    }
}
