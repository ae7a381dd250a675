package dev.warren.spring.autoconfigure;

import static dev.warren.spring.autoconfigure.TlsNodeExtension.warrenCause;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.deadletter.DeadLetterQueue;
import dev.warren.deadletter.DeadLetters;
import dev.warren.spring.autoconfigure.internal.WarrenFailureAnalyzer;
import dev.warren.test.RabbitBroker;
import dev.warren.test.TlsRabbitNode;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Warren over {@code amqps://} against a node of its own whose certificate a test CA signed: the
 * certificate and the host name are verified by default, everything Warren opens goes through the
 * TLS connection factory, and the management API is read over https with the same trust.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsIT {

    @RegisterExtension
    static final TlsNodeExtension tls = new TlsNodeExtension(node -> node.managementApi(true));

    final TlsRabbitNode node = tls.node();
    final String queue = RabbitBroker.uniqueName("it.tls");

    private TlsTestApp.Arguments app(String address) {
        return new TlsTestApp.Arguments(address, queue).with("spring.rabbitmq.ssl.bundle", "broker");
    }

    @Test
    void consumerReceivesOverAmqpsWithTheBrokerCertificateVerified() {
        ConfigurableApplicationContext context = tls.run(app(node.amqpsAddress()).bundle("broker", node.caCertificate()));

        context.getBean(Warren.class).send(queue, new TlsTestApp.Greeting("over TLS"));

        await().atMost(Duration.ofSeconds(20)).until(() -> context.getBean(TlsTestApp.Inbox.class).received,
                received -> received.contains(new TlsTestApp.Greeting("over TLS")));
        // The dead-letter operations open connections and channels of their own: the same factory's.
        assertThat(context.getBean(DeadLetters.class).queues()).extracting(DeadLetterQueue::queue).contains(queue);
        // The node has no plain listener, so this says more about what is open: every connection
        // (publisher's and consumers') is TLS 1.2 or later.
        List<String> connections = node.ctl("list_connections", "ssl", "ssl_protocol", "--quiet", "--no-table-headers")
                .lines().filter(line -> !line.isBlank()).toList();
        assertThat(connections).isNotEmpty().allSatisfy(line -> assertThat(line).matches("true\\s+'?tlsv1\\.[23]'?"));
    }

    @Test
    void brokerCertificateFromAnUntrustedCaFailsStartUpSayingWhy() {
        assertThatThrownBy(() -> tls.run(app(node.amqpsAddress()).bundle("broker", node.otherCaCertificate())))
                .hasRootCauseInstanceOf(CertPathBuilderException.class)
                .satisfies(failure -> {
                    WarrenException warren = warrenCause(failure);
                    assertThat(warren).hasMessageContaining("the TLS handshake with RabbitMQ failed (PKIX path building failed")
                            .hasMessageContaining("spring.rabbitmq.ssl.bundle");
                    FailureAnalysis analysis = new WarrenFailureAnalyzer().analyze(failure);
                    assertThat(analysis.getDescription()).contains("TLS handshake");
                    assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.<name>.truststore.certificate");
                });
    }

    @Test
    void hostNameTheCertificateDoesNotNameFailsStartUp() {
        // The node listens on every loopback address; its certificate names localhost and 127.0.0.1 only.
        assertThatThrownBy(() -> tls.run(app("amqps://127.0.0.2:" + node.port()).bundle("broker", node.caCertificate())))
                .hasRootCauseInstanceOf(CertificateException.class)
                .satisfies(failure -> assertThat(warrenCause(failure))
                        .hasMessageContaining("the TLS handshake with RabbitMQ failed")
                        .hasMessageContaining("127.0.0.2"));
    }

    @Test
    void managementApiIsReadOverHttpsWithTheConnectionsBundle() {
        String policy = "it-tls-limit-" + queue;
        node.management().putPolicy(policy, "^" + java.util.regex.Pattern.quote(queue) + "$", "{\"delivery-limit\":1}");
        try {
            assertThatThrownBy(() -> tls.run(app(node.amqpsAddress()).bundle("broker", node.caCertificate())
                    .with("warren.management.url", node.managementUrl())))
                    .satisfies(failure -> assertThat(warrenCause(failure))
                            .hasMessageContaining("RabbitMQ policies break what Warren's queues need")
                            .hasMessageContaining(policy));
        } finally {
            node.management().deletePolicy(policy);
        }
    }

    @Test
    void managementApiWithAnUntrustedCertificateGetsNoCredentialsAndTheCheckIsSkipped(CapturedOutput output) {
        String policy = "it-tls-limit-" + queue;
        node.management().putPolicy(policy, "^" + java.util.regex.Pattern.quote(queue) + "$", "{\"delivery-limit\":1}");
        try {
            tls.run(app(node.amqpsAddress()).bundle("broker", node.caCertificate()).bundle("elsewhere", node.otherCaCertificate())
                    .with("warren.management.url", node.managementUrl()).with("warren.management.ssl.bundle", "elsewhere"));

            assertThat(output).contains("Skipped the check of broker policies: The TLS handshake with the RabbitMQ management API at "
                    + node.managementUrl() + " failed (PKIX path building failed", "so the credentials were not sent");
        } finally {
            node.management().deletePolicy(policy);
        }
    }
}
