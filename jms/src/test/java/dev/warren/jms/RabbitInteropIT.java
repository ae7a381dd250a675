package dev.warren.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/** A JMS service and an AMQP service on one RabbitMQ broker send each other Warren messages. */
class RabbitInteropIT {

    record Invoice(String number, int cents) {
    }

    static final class AmqpBilling {
        final List<Invoice> got = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${prefix}.amqp-billing")
        void bill(Invoice invoice) {
            got.add(invoice);
        }
    }

    static final class JmsLedger {
        final List<Invoice> got = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${prefix}.jms-ledger")
        void record(Invoice invoice) {
            got.add(invoice);
        }
    }

    final String prefix = RabbitBroker.uniqueName("it.interop");
    final CachingConnectionFactory amqp = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(amqp);
    WarrenEngine amqpEngine;
    JmsWarrenEngine jmsEngine;

    @AfterEach
    void close() {
        if (jmsEngine != null) {
            jmsEngine.close();
        }
        if (amqpEngine != null) {
            amqpEngine.close();
            cleanup.queues(amqpEngine.topology().queues().stream().map(QueueSpec::name).toList());
        }
        cleanup.close();
        amqp.destroy();
        new JmsProvider.RabbitJms().cleanUp(prefix);
    }

    @Test
    void aJmsProducerReachesAnAmqpHandlerAndAnAmqpProducerReachesAJmsHandler() {
        AmqpBilling billing = new AmqpBilling();
        JmsLedger ledger = new JmsLedger();
        amqpEngine = WarrenEngine.builder(amqp).handlers(billing).nameResolver(name -> name.replace("${prefix}", prefix)).build();
        amqpEngine.start();
        // The AMQP side owns the topology; here, the JMS service's queue as a plain durable queue.
        new RabbitAdmin(amqp).declareQueue(QueueBuilder.durable(prefix + ".jms-ledger").build());
        jmsEngine = JmsWarrenEngine.builder(new JmsProvider.RabbitJms().connectionFactory()).handlers(ledger)
                .destinationResolver(new RabbitAmqpDestinations())
                .nameResolver(name -> name.replace("${prefix}", prefix)).build();
        jmsEngine.start();

        jmsEngine.warren().send(prefix + ".amqp-billing", new Invoice("INV-1", 1250));
        amqpEngine.warren().send(prefix + ".jms-ledger", new Invoice("INV-2", 990));

        await().atMost(Duration.ofSeconds(20)).until(() -> billing.got.size() == 1 && ledger.got.size() == 1);
        assertThat(billing.got).containsExactly(new Invoice("INV-1", 1250));
        assertThat(ledger.got).containsExactly(new Invoice("INV-2", 990));
    }
}
