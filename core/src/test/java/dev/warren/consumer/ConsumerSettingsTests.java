package dev.warren.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.WarrenException;
import dev.warren.annotation.QueueType;
import org.junit.jupiter.api.Test;

class ConsumerSettingsTests {

    @Test
    void defaultsAreOneConsumerPrefetchTenQuorum() {
        assertThat(ConsumerSettings.DEFAULTS).isEqualTo(new ConsumerSettings(1, 10, QueueType.QUORUM));
    }

    @Test
    void concurrencyBelowOneIsRejected() {
        assertThatThrownBy(() -> new ConsumerSettings(0, 10, QueueType.QUORUM))
                .isInstanceOf(WarrenException.class)
                .hasMessage("concurrency must be >= 1 but was 0");
    }

    @Test
    void prefetchBelowOneIsRejectedExplainingWhy() {
        assertThatThrownBy(() -> new ConsumerSettings(1, 0, QueueType.QUORUM))
                .isInstanceOf(WarrenException.class)
                .hasMessage("prefetch must be between 1 and 65535 but was 0; 0 would let the broker push an unbounded number of messages");
    }

    @Test
    void defaultQueueTypeIsRejected() {
        assertThatThrownBy(() -> new ConsumerSettings(1, 1, QueueType.DEFAULT))
                .isInstanceOf(WarrenException.class)
                .hasMessage("queue type must be QUORUM or CLASSIC but was DEFAULT");
        assertThatThrownBy(() -> new ConsumerSettings(1, 1, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("queueType");
    }

    @Test
    void overriddenByKeepsValuesForZeroAndDefault() {
        ConsumerSettings base = new ConsumerSettings(3, 30, QueueType.CLASSIC);

        assertThat(base.overriddenBy(0, 0, QueueType.DEFAULT)).isEqualTo(base);
        assertThat(base.overriddenBy(5, 0, QueueType.DEFAULT)).isEqualTo(new ConsumerSettings(5, 30, QueueType.CLASSIC));
        assertThat(base.overriddenBy(0, 2, QueueType.QUORUM)).isEqualTo(new ConsumerSettings(3, 2, QueueType.QUORUM));
    }

    @Test
    void overriddenByRejectsNegativeValues() {
        assertThatThrownBy(() -> ConsumerSettings.DEFAULTS.overriddenBy(-2, 0, QueueType.DEFAULT))
                .isInstanceOf(WarrenException.class)
                .hasMessage("concurrency must be >= 1 but was -2");
        assertThatThrownBy(() -> ConsumerSettings.DEFAULTS.overriddenBy(0, -1, QueueType.DEFAULT))
                .isInstanceOf(WarrenException.class)
                .hasMessageStartingWith("prefetch must be between 1 and 65535 but was -1");
    }
}
