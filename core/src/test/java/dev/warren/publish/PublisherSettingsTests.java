package dev.warren.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.WarrenException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PublisherSettingsTests {

    @Test
    void defaultsAreTenSecondsTwoChannelsTenThousandInFlight() {
        assertThat(PublisherSettings.DEFAULTS).isEqualTo(new PublisherSettings(Duration.ofSeconds(10), 2, 10_000));
    }

    @Test
    void nonPositiveConfirmTimeoutIsRejected() {
        assertThatThrownBy(() -> new PublisherSettings(Duration.ZERO, 2, 10))
                .isInstanceOf(WarrenException.class)
                .hasMessage("publisher confirm timeout must be positive but was PT0S");
        assertThatThrownBy(() -> new PublisherSettings(Duration.ofSeconds(-1), 2, 10))
                .isInstanceOf(WarrenException.class)
                .hasMessage("publisher confirm timeout must be positive but was PT-1S");
        assertThatThrownBy(() -> new PublisherSettings(null, 2, 10))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("confirmTimeout");
    }

    @Test
    void fewerThanOneChannelIsRejected() {
        assertThatThrownBy(() -> new PublisherSettings(Duration.ofSeconds(1), 0, 10))
                .isInstanceOf(WarrenException.class)
                .hasMessage("publisher channels must be >= 1 but was 0");
    }

    @Test
    void fewerThanOneInFlightIsRejected() {
        assertThatThrownBy(() -> new PublisherSettings(Duration.ofSeconds(1), 1, -3))
                .isInstanceOf(WarrenException.class)
                .hasMessage("publisher max in-flight must be >= 1 but was -3");
    }

    @Test
    void smallestValidSettingsAreAccepted() {
        PublisherSettings settings = new PublisherSettings(Duration.ofMillis(1), 1, 1);

        assertThat(settings.channels()).isEqualTo(1);
        assertThat(settings.maxInFlight()).isEqualTo(1);
    }
}
