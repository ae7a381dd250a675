package dev.warren.internal.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.publish.Delay;
import dev.warren.topology.BindingSpec;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DelayedDeliveryTests {

    @Test
    void theRoutingKeySpellsTheDelayInBinaryOneWordPerLevel() {
        String key = DelayedDelivery.routingKey(Duration.ofMillis(500));
        assertThat(key.split("\\.")).hasSize(Delay.LEVELS);
        assertThat(key).isEqualTo("0.".repeat(Delay.LEVELS - 3) + "1.0.1");
        assertThat(DelayedDelivery.routingKey(Delay.MAX)).isEqualTo("1.".repeat(Delay.LEVELS - 1) + "1");
    }

    @Test
    void everyLevelEndsInTheDueQueueWhichTakesOnlyKeysOfTheScheme() {
        BindingSpec due = DelayedDelivery.topology().bindings().stream()
                .filter(binding -> binding.queue().equals(DelayedDelivery.DUE_QUEUE)).findFirst().orElseThrow();
        assertThat(due.exchange()).isEqualTo(DelayedDelivery.DELIVER);
        // A topic pattern of single-word wildcards matches keys of exactly that many words.
        Pattern pattern = Pattern.compile(due.routingKey().replace(".", "\\.").replace("*", "[^.]+"));
        assertThat(pattern.matcher(DelayedDelivery.routingKey(Duration.ofSeconds(3))).matches()).isTrue();
        assertThat(pattern.matcher(DelayedDelivery.routingKey(Duration.ofSeconds(3)) + ".orders").matches()).isFalse();
        assertThat(DelayedDelivery.topology().queues()).extracting(QueueSpec::name)
                .contains(DelayedDelivery.DUE_QUEUE, DelayedDelivery.DUE_DEAD_LETTER_QUEUE, "warren.delay.0", "warren.delay.28");
        assertThat(DelayedDelivery.topology().queues()).allSatisfy(queue ->
                assertThat(queue.arguments()).containsEntry("x-queue-type", "classic"));
    }
}
