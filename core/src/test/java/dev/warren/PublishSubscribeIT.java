package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Subscribe;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishSubscribeIT {

    record OrderPlaced(String orderId) {
    }

    static final class EmailSender {
        final List<String> orders = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "${topic}", group = "email")
        void confirm(OrderPlaced event, MessageContext context) {
            orders.add(event.orderId());
        }
    }

    static final class Analytics {
        final List<String> orders = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "${topic}", group = "analytics")
        void record(OrderPlaced event) {
            orders.add(event.orderId());
        }
    }

    final String topic = RabbitBroker.uniqueName("it.order.placed");
    final BrokerFixture broker = new BrokerFixture(Map.of("topic", topic));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void everyGroupGetsEachEventAndInstancesOfAGroupCompete() {
        broker.cleanup.workQueue(topic + ".email").workQueue(topic + ".analytics").exchange(topic);
        EmailSender emailOne = new EmailSender();
        EmailSender emailTwo = new EmailSender();
        Analytics analytics = new Analytics();
        WarrenEngine first = broker.start(emailOne, analytics);
        broker.start(emailTwo);

        List<String> published = IntStream.range(0, 40).mapToObj(i -> "order-" + i).toList();
        published.forEach(id -> first.warren().publish(topic, new OrderPlaced(id)));

        await().atMost(Duration.ofSeconds(15)).until(() -> analytics.orders.size() == 40
                && emailOne.orders.size() + emailTwo.orders.size() == 40);
        assertThat(analytics.orders).containsExactlyInAnyOrderElementsOf(published);
        // Each email instance got some, and together exactly one copy of each event.
        assertThat(emailOne.orders).isNotEmpty();
        assertThat(emailTwo.orders).isNotEmpty();
        assertThat(Set.copyOf(emailOne.orders)).doesNotContainAnyElementsOf(emailTwo.orders);
        List<String> allEmails = new java.util.ArrayList<>(emailOne.orders);
        allEmails.addAll(emailTwo.orders);
        assertThat(allEmails).containsExactlyInAnyOrderElementsOf(published);
        assertThat(broker.drain(topic + ".email")).isEmpty();
    }

    @Test
    void aTopicExchangeDeletedWhileRunningIsDeclaredAgain() {
        String lonelyTopic = RabbitBroker.uniqueName("it.deleted.topic");
        broker.cleanup.exchange(lonelyTopic);
        WarrenEngine engine = broker.engine().build();
        engine.warren().publish(lonelyTopic, new OrderPlaced("o-1"));
        new org.springframework.amqp.rabbit.core.RabbitAdmin(broker.connectionFactory).deleteExchange(lonelyTopic);

        // The first publish after the deletion fails (the channel closes with NOT_FOUND), the next succeeds.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.warren().publish(lonelyTopic, new OrderPlaced("o-2")))
                .isInstanceOfSatisfying(PublishException.class,
                        e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.CONNECTION_LOST));
        assertThat(engine.warren().publish(lonelyTopic, new OrderPlaced("o-3")).messageId()).isNotBlank();
        engine.close();
    }

    @Test
    void eventWithoutSubscribersIsNotAnErrorUnlessMandatory() {
        String lonelyTopic = RabbitBroker.uniqueName("it.nobody.listens");
        broker.cleanup.exchange(lonelyTopic);
        WarrenEngine engine = broker.engine().build();

        PublishReceipt receipt = engine.warren().publish(lonelyTopic, new OrderPlaced("o-1"));

        assertThat(receipt.routed()).isFalse();
        assertThat(receipt.messageId()).isNotBlank();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.warren()
                        .publish(lonelyTopic, new OrderPlaced("o-2"), PublishOptions.builder().mandatory(true).messageId("m-2").build()))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PublishException.Reason.UNROUTABLE);
                    assertThat(e.messageId()).isEqualTo("m-2");
                    assertThat(e.getMessage()).contains(lonelyTopic);
                });
        engine.close();
    }
}
