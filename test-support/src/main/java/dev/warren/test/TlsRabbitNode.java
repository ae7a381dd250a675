package dev.warren.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A RabbitMQ node of its own with a TLS listener, for tests of {@code amqps://}: started from the
 * installed {@code rabbitmq-server} under a random name ({@code warren-tls-<random>@localhost}) on
 * free ports, with its data, logs, configuration and certificates in a temporary directory, and
 * stopped and deleted by {@link #close()}. The machine's shared node (5672, 15672, 25672) is never
 * touched: this node has no plain AMQP listener, and no management plugin unless asked for, which
 * then listens for HTTPS only, on a free port.
 *
 * <p>The broker's certificate names {@code localhost} and {@code 127.0.0.1}, signed by
 * {@link #caCertificate()}; the node asks every client for a certificate and checks it against that
 * CA ({@code verify_peer}), and with {@link Builder#requireClientCertificates(boolean)} refuses
 * clients without one. {@link #otherCaCertificate()} is an unrelated CA, for the failure cases.
 * The user is guest/guest.
 *
 * <pre>{@code
 * static TlsRabbitNode node;
 *
 * @BeforeAll
 * static void startNode() {
 *     node = TlsRabbitNode.builder().requireClientCertificates(true).start();
 * }
 *
 * @AfterAll
 * static void stopNode() {
 *     node.close();
 * }
 *
 * // spring.rabbitmq.addresses = node.amqpsAddress()
 * // spring.ssl.bundle.pem.broker.truststore.certificate = "file:" + node.caCertificate()
 * }</pre>
 *
 * <p>Starting a node takes some seconds: start one per test class. Not thread-safe: one test
 * lifecycle drives it. Needs {@code rabbitmq-server} and {@code openssl}; without them it fails and
 * says what to install.
 *
 * @since 0.1
 */
public final class TlsRabbitNode implements AutoCloseable {

    private final RabbitNodeProcess process;
    private final int port;
    private final int managementPort;
    private final TlsCertificates certificates;

    private TlsRabbitNode(RabbitNodeProcess process, int port, int managementPort, TlsCertificates certificates) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.certificates = certificates;
    }

    /**
     * A builder of a node; {@link Builder#start()} starts it.
     *
     * @return a builder: client certificates optional, no management API
     */
    public static Builder builder() {
        return new Builder();
    }

    /** How the node is set up. */
    public static final class Builder {

        private boolean requireClientCertificates;
        private boolean managementApi;

        private Builder() {
        }

        /**
         * Whether the node refuses clients that present no certificate ({@code fail_if_no_peer_cert}).
         *
         * @param require {@code true} to refuse them
         * @return this
         */
        public Builder requireClientCertificates(boolean require) {
            this.requireClientCertificates = require;
            return this;
        }

        /**
         * Whether the node runs the management plugin, over HTTPS only, on a free port.
         *
         * @param enabled {@code true} to run it
         * @return this
         */
        public Builder managementApi(boolean enabled) {
            this.managementApi = enabled;
            return this;
        }

        /**
         * Makes the certificates, starts the node and waits until its TLS port answers.
         *
         * @return the running node; close it
         * @throws IllegalStateException when rabbitmq-server or openssl is missing (saying what to
         *     install) or the node does not start (with the end of its log)
         */
        public TlsRabbitNode start() {
            return TlsRabbitNode.start(this);
        }
    }

    private static TlsRabbitNode start(Builder builder) {
        String nodeName = "warren-tls-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
        RabbitNodeProcess process = RabbitNodeProcess.create(nodeName, "warren-tls-node");
        try {
            Path certificateDirectory = Files.createDirectories(process.directory().resolve("certificates"));
            TlsCertificates certificates = TlsCertificates.generate(certificateDirectory);
            int[] ports = freePorts(4);
            TlsRabbitNode node = new TlsRabbitNode(process, ports[0], builder.managementApi ? ports[1] : -1, certificates);
            node.writeConfiguration(builder);
            process.start(ports[2], ports[3], node.managementPort > 0 ? new int[] {node.port, node.managementPort}
                    : new int[] {node.port});
            return node;
        } catch (IOException e) {
            process.close();
            throw new UncheckedIOException("Could not prepare RabbitMQ node " + nodeName, e);
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
    }

    private void writeConfiguration(Builder builder) throws IOException {
        Path directory = process.directory();
        List<String> lines = new ArrayList<>(List.of(
                // No plain listener: every client of this node speaks TLS. RABBITMQ_NODE_PORT still
                // gets a free port of its own, so that nothing can fall back to 5672.
                "listeners.tcp = none",
                "listeners.ssl.default = " + port,
                "ssl_options.cacertfile = " + certificates.caCertificate(),
                "ssl_options.certfile = " + certificates.serverCertificate(),
                "ssl_options.keyfile = " + certificates.serverKey(),
                "ssl_options.verify = verify_peer",
                "ssl_options.fail_if_no_peer_cert = " + builder.requireClientCertificates,
                "loopback_users = none"));
        if (managementPort > 0) {
            lines.addAll(List.of(
                    "management.ssl.port = " + managementPort,
                    "management.ssl.cacertfile = " + certificates.caCertificate(),
                    "management.ssl.certfile = " + certificates.serverCertificate(),
                    "management.ssl.keyfile = " + certificates.serverKey()));
        }
        Files.write(directory.resolve("rabbitmq.conf"), lines);
        Files.writeString(directory.resolve("enabled_plugins"), managementPort > 0 ? "[rabbitmq_management].\n" : "[].\n");
        // Replaces /etc/rabbitmq/rabbitmq-env.conf, which names the shared node.
        Files.writeString(directory.resolve("rabbitmq-env.conf"), "NODENAME=" + process.nodeName() + "\nERL_EPMD_ADDRESS=127.0.0.1\n"
                + "export ERL_FLAGS=\"-kernel inet_dist_use_interface {127,0,0,1}\"\n");
    }

    /** @return the node's name, e.g. {@code warren-tls-1a2b3c4d@localhost} */
    public String nodeName() {
        return process.nodeName();
    }

    /** @return the TLS (AMQPS) port */
    public int port() {
        return port;
    }

    /** @return {@code amqps://localhost:<port>}, for {@code spring.rabbitmq.addresses} */
    public String amqpsAddress() {
        return "amqps://localhost:" + port;
    }

    /**
     * The management API's HTTPS URL.
     *
     * @return {@code https://localhost:<port>}
     * @throws IllegalStateException when the node runs without it
     */
    public URI managementUrl() {
        if (managementPort <= 0) {
            throw new IllegalStateException("Node " + process.nodeName() + " runs without the management API; start it with managementApi(true)");
        }
        return URI.create("https://localhost:" + managementPort);
    }

    /**
     * The management API over https, as guest, verifying the node's certificate with
     * {@link #caCertificate()}: faster than {@link #ctl} for policies and users.
     *
     * @return the API of the virtual host {@code /}
     * @throws IllegalStateException when the node runs without it
     */
    public RabbitManagement management() {
        return new RabbitManagement(managementUrl(), "guest", "guest", "/", trustingCa());
    }

    /**
     * An {@link SSLContext} that trusts {@link #caCertificate()} only, for clients the test builds itself.
     *
     * @return a new context without key material
     */
    public SSLContext trustingCa() {
        try (InputStream in = Files.newInputStream(certificates.caCertificate())) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + certificates.caCertificate(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not load " + certificates.caCertificate() + " as a trusted CA", e);
        }
    }

    /** @return the PEM file of the CA that signed the broker's and the client's certificates */
    public Path caCertificate() {
        return certificates.caCertificate();
    }

    /** @return the PEM file of a client certificate that {@link #caCertificate()} signed */
    public Path clientCertificate() {
        return certificates.clientCertificate();
    }

    /** @return the PEM file (PKCS#8, no password) of {@link #clientCertificate()}'s key */
    public Path clientKey() {
        return certificates.clientKey();
    }

    /** @return the PEM file of a CA unrelated to this node */
    public Path otherCaCertificate() {
        return certificates.otherCaCertificate();
    }

    /** @return the PEM file of a client certificate that {@link #otherCaCertificate()} signed */
    public Path otherClientCertificate() {
        return certificates.otherClientCertificate();
    }

    /** @return the PEM file of {@link #otherClientCertificate()}'s key */
    public Path otherClientKey() {
        return certificates.otherClientKey();
    }

    /** @return the node's log file, in its temporary directory (deleted by {@link #close()}) */
    public Path logFile() {
        return process.logFile();
    }

    /**
     * Runs {@code rabbitmqctl -n <node> <arguments>}.
     *
     * @param arguments the command and its arguments, e.g. {@code list_connections ssl}
     * @return its output
     * @throws IllegalStateException unless it succeeds
     */
    public String ctl(String... arguments) {
        return process.ctl(arguments);
    }

    /** Stops the node and deletes its directory, certificates included. */
    @Override
    public void close() {
        process.close();
    }

    private static int[] freePorts(int count) throws IOException {
        // Held open together, so that the ports differ; a race with another process is possible but unlikely.
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
