package dev.warren.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The TLS node itself: TLS only, its own certificates, management over HTTPS, nothing left behind. */
class TlsRabbitNodeIT {

    @Test
    void nodeSpeaksOnlyTlsWithItsCertificatesAndLeavesNothingBehind() throws Exception {
        Path directory;
        int port;
        try (TlsRabbitNode node = TlsRabbitNode.builder().managementApi(true).start()) {
            directory = node.logFile().getParent().getParent();
            port = node.port();
            assertThat(node.nodeName()).startsWith("warren-tls-").endsWith("@localhost");
            assertThat(port).isNotIn(5671, 5672, 15672, 25672);

            try (Connection connection = factory(node.port(), node.trustingCa()).newConnection()) {
                assertThat(connection.isOpen()).isTrue();
                assertThat(node.ctl("list_connections", "ssl", "--quiet", "--no-table-headers").strip()).isEqualTo("true");
            }
            assertThatThrownBy(() -> factory(node.port(), trusting(node.otherCaCertificate())).newConnection())
                    .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class)
                    .isInstanceOf(SSLHandshakeException.class);
            ConnectionFactory plain = new ConnectionFactory();
            plain.setHost("localhost");
            plain.setPort(node.port());
            plain.setConnectionTimeout(3_000);
            plain.setHandshakeTimeout(3_000);
            assertThatThrownBy(plain::newConnection).isInstanceOf(java.io.IOException.class);

            RabbitManagement management = node.management();
            String user = RabbitBroker.uniqueName("it-tls-user");
            management.createUser(user, "pw", "");
            assertThat(management.userExists(user)).isTrue();
            management.deleteUser(user);
            assertThat(management.userExists(user)).isFalse();
        }
        assertThat(directory).doesNotExist();
        assertThat(Services.answers("127.0.0.1", port)).isFalse();
    }

    private static ConnectionFactory factory(int port, SSLContext sslContext) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        factory.setPort(port);
        factory.useSslProtocol(sslContext);
        factory.enableHostnameVerification();
        return factory;
    }

    private static SSLContext trusting(Path caCertificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificate)) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

}
