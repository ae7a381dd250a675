package dev.warren.spring.autoconfigure;

import dev.warren.annotation.Consumer;
import dev.warren.test.TlsRabbitNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * An application with one {@code @Consumer} of {@code ${test.queue}}, connected to a
 * {@link TlsRabbitNode} over {@code amqps://} through Spring Boot's SSL bundles, as an
 * application's configuration would do it. Not a {@code @Configuration}, so that the component scans of
 * the other test applications in this package leave it out.
 */

@EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
class TlsTestApp {

    /** A greeting. */
    record Greeting(String text) {
    }

    /** Records what it received. */
    static class Inbox {
        final List<Greeting> received = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${test.queue}")
        void receive(Greeting greeting) {
            received.add(greeting);
        }
    }

    @Bean
    Inbox inbox() {
        return new Inbox();
    }

    /** The command-line properties of an application on {@code node}, its queue and SSL bundles, to add to. */
    static final class Arguments {

        private final List<String> arguments = new ArrayList<>();

        Arguments(String address, String queue) {
            arguments.addAll(List.of("--spring.main.web-application-type=none", "--spring.rabbitmq.addresses=" + address,
                    "--spring.rabbitmq.username=guest", "--spring.rabbitmq.password=guest", "--test.queue=" + queue));
        }

        /** A PEM bundle trusting {@code ca}. */
        Arguments bundle(String name, Path ca) {
            arguments.add("--spring.ssl.bundle.pem." + name + ".truststore.certificate=file:" + ca);
            return this;
        }

        /** A PEM bundle trusting {@code ca}, with a client certificate and its key. */
        Arguments bundle(String name, Path ca, Path certificate, Path key) {
            bundle(name, ca);
            arguments.add("--spring.ssl.bundle.pem." + name + ".keystore.certificate=file:" + certificate);
            arguments.add("--spring.ssl.bundle.pem." + name + ".keystore.private-key=file:" + key);
            return this;
        }

        Arguments with(String property, Object value) {
            arguments.add("--" + property + "=" + value);
            return this;
        }

        ConfigurableApplicationContext run() {
            return new SpringApplicationBuilder(TlsTestApp.class).run(arguments.toArray(String[]::new));
        }
    }
}
