package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.test.RabbitBroker;
import dev.warren.test.TlsRabbitNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Mutual TLS: a node that refuses clients without a certificate its CA signed accepts Warren with
 * the client certificate and key of the application's SSL bundle, and refuses it otherwise.
 */
class ClientCertificateIT {

    static TlsRabbitNode node;

    final String queue = RabbitBroker.uniqueName("it.mtls");
    ConfigurableApplicationContext context;

    @BeforeAll
    static void startNode() {
        node = TlsRabbitNode.builder().requireClientCertificates(true).start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void closeApplication() {
        if (context != null) {
            context.close();
        }
    }

    private TlsTestApp.Arguments app() {
        return new TlsTestApp.Arguments(node.amqpsAddress(), queue).with("spring.rabbitmq.ssl.bundle", "broker");
    }

    @Test
    void clientCertificateOfTheBundleIsAcceptedAndMessagesFlow() {
        context = app().bundle("broker", node.caCertificate(), node.clientCertificate(), node.clientKey()).run();

        context.getBean(Warren.class).send(queue, new TlsTestApp.Greeting("mutual"));

        await().atMost(Duration.ofSeconds(20)).until(() -> context.getBean(TlsTestApp.Inbox.class).received,
                received -> received.contains(new TlsTestApp.Greeting("mutual")));
        assertThat(node.ctl("list_connections", "peer_cert_subject", "--quiet", "--no-table-headers").lines()
                .filter(line -> !line.isBlank()).toList())
                .isNotEmpty().allSatisfy(subject -> assertThat(subject).contains("CN=warren-client"));
    }

    @Test
    void clientWithoutACertificateIsRefused() {
        assertThatThrownBy(() -> context = app().bundle("broker", node.caCertificate()).run())
                .satisfies(failure -> assertThat(warrenCause(failure)).hasMessageContaining("requires client certificates"));
    }

    @Test
    void clientCertificateFromAnUnrelatedCaIsRefused() {
        assertThatThrownBy(() -> context = app().bundle("broker", node.caCertificate(), node.otherClientCertificate(),
                node.otherClientKey()).run())
                .satisfies(failure -> assertThat(warrenCause(failure)).hasMessageContaining("requires client certificates"));
    }

    /**
     * The Warren failure of a refused start-up. With TLS 1.3 the broker refuses a client
     * certificate after the client finished its handshake, so the client sees either the broker's
     * alert ({@code certificate_required}) or a reset connection; the message covers both.
     */
    private static WarrenException warrenCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof WarrenException warren) {
                return warren;
            }
        }
        throw new AssertionError("No WarrenException among the causes of " + failure, failure);
    }
}
