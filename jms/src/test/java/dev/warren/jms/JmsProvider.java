package dev.warren.jms;

import com.rabbitmq.jms.admin.RMQConnectionFactory;
import dev.warren.test.RabbitBroker;
import jakarta.jms.ConnectionFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A real JMS provider for the shared suite: embedded ActiveMQ Artemis, or RabbitMQ through its JMS client. */
abstract class JmsProvider {

    abstract String name();

    abstract ConnectionFactory connectionFactory();

    /** Deletes the queues the provider keeps whose names start with {@code prefix}. */
    abstract void cleanUp(String prefix);

    @Override
    public String toString() {
        return name();
    }

    static List<JmsProvider> all() {
        return List.of(new Artemis(), new RabbitJms());
    }

    /** One embedded Artemis per test JVM, in memory, started on first use. */
    static final class Artemis extends JmsProvider {
        private static EmbeddedActiveMQ server;

        @Override
        String name() {
            return "ActiveMQ Artemis (embedded)";
        }

        @Override
        synchronized ConnectionFactory connectionFactory() {
            synchronized (Artemis.class) {
                if (server == null) {
                    try {
                        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
                        embedded.setConfiguration(new ConfigurationImpl().setPersistenceEnabled(false).setSecurityEnabled(false)
                                .setJournalDirectory("target/artemis/journal").setBindingsDirectory("target/artemis/bindings")
                                .setLargeMessagesDirectory("target/artemis/large").setPagingDirectory("target/artemis/paging")
                                .addAcceptorConfiguration("in-vm", "vm://0"));
                        embedded.start();
                        server = embedded;
                        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                            try {
                                embedded.stop();
                            } catch (Exception e) {
                                // The JVM is going away anyway.
                            }
                        }));
                    } catch (Exception e) {
                        throw new IllegalStateException("Could not start the embedded Artemis broker", e);
                    }
                }
            }
            return new ActiveMQConnectionFactory("vm://0");
        }

        @Override
        void cleanUp(String prefix) {
            // In memory, and every name is unique: nothing outlives the JVM.
        }
    }

    /** RabbitMQ on this machine through the RabbitMQ JMS client; cleans up through the management API. */
    static final class RabbitJms extends JmsProvider {
        private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]+)\"");

        @Override
        String name() {
            return "RabbitMQ JMS client";
        }

        @Override
        ConnectionFactory connectionFactory() {
            RabbitBroker broker = RabbitBroker.get();
            RMQConnectionFactory factory = new RMQConnectionFactory();
            factory.setHost(broker.host());
            factory.setPort(broker.port());
            factory.setUsername(broker.username());
            factory.setPassword(broker.password());
            factory.setVirtualHost(broker.virtualHost());
            return factory;
        }

        @Override
        void cleanUp(String prefix) {
            var management = RabbitBroker.get().management();
            String vhost = URLEncoder.encode(management.virtualHost(), StandardCharsets.UTF_8);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String auth = "Basic " + Base64.getEncoder().encodeToString(
                    (management.username() + ":" + management.password()).getBytes(StandardCharsets.UTF_8));
            try {
                HttpResponse<String> listing = http.send(HttpRequest.newBuilder(
                        URI.create(management.url() + "/api/queues/" + vhost + "?columns=name")).header("Authorization", auth)
                        .build(), HttpResponse.BodyHandlers.ofString());
                List<String> names = new ArrayList<>();
                Matcher matcher = NAME.matcher(listing.body());
                while (matcher.find()) {
                    if (matcher.group(1).startsWith(prefix)) {
                        names.add(matcher.group(1));
                    }
                }
                for (String queue : names) {
                    http.send(HttpRequest.newBuilder(URI.create(management.url() + "/api/queues/" + vhost + "/"
                            + URLEncoder.encode(queue, StandardCharsets.UTF_8).replace("+", "%20"))).header("Authorization", auth)
                            .DELETE().build(), HttpResponse.BodyHandlers.discarding());
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Could not clean up queues named " + prefix + "*", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
