package dev.warren.spring.autoconfigure;

import static dev.warren.spring.autoconfigure.TlsNodeExtension.warrenCause;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.test.RabbitBroker;
import dev.warren.test.TlsRabbitNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Mutual TLS: a node that refuses clients without a certificate its CA signed accepts Warren with
 * the client certificate and key of the application's SSL bundle, and refuses it otherwise. With
 * TLS 1.3 the broker refuses a client certificate after the client finished its handshake, so the
 * client sees either the broker's alert ({@code certificate_required}) or a reset connection; the
 * Warren failure's message covers both.
 */
class ClientCertificateIT {

    @RegisterExtension
    static final TlsNodeExtension tls = new TlsNodeExtension(node -> node.requireClientCertificates(true));

    final TlsRabbitNode node = tls.node();
    final String queue = RabbitBroker.uniqueName("it.mtls");

    private TlsTestApp.Arguments app() {
        return new TlsTestApp.Arguments(node.amqpsAddress(), queue).with("spring.rabbitmq.ssl.bundle", "broker");
    }

    @Test
    void clientCertificateOfTheBundleIsAcceptedAndMessagesFlow() {
        ConfigurableApplicationContext context = tls.run(app().bundle("broker", node.caCertificate(), node.clientCertificate(),
                node.clientKey()));

        context.getBean(Warren.class).send(queue, new TlsTestApp.Greeting("mutual"));

        await().atMost(Duration.ofSeconds(20)).until(() -> context.getBean(TlsTestApp.Inbox.class).received,
                received -> received.contains(new TlsTestApp.Greeting("mutual")));
        assertThat(node.ctl("list_connections", "peer_cert_subject", "--quiet", "--no-table-headers").lines()
                .filter(line -> !line.isBlank()).toList())
                .isNotEmpty().allSatisfy(subject -> assertThat(subject).contains("CN=warren-client"));
    }

    @Test
    void clientWithoutACertificateIsRefused() {
        assertThatThrownBy(() -> tls.run(app().bundle("broker", node.caCertificate())))
                .satisfies(failure -> assertThat(warrenCause(failure)).hasMessageContaining("requires client certificates"));
    }

    @Test
    void clientCertificateFromAnUnrelatedCaIsRefused() {
        assertThatThrownBy(() -> tls.run(app().bundle("broker", node.caCertificate(), node.otherClientCertificate(),
                node.otherClientKey())))
                .satisfies(failure -> assertThat(warrenCause(failure)).hasMessageContaining("requires client certificates"));
    }
}
