package dev.warren.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class PublishOptionsTests {

    @Test
    void defaultsHaveNoIdNoHeadersNoRoutingKeyAndAreNotMandatory() {
        PublishOptions defaults = PublishOptions.defaults();

        assertThat(defaults.messageId()).isNull();
        assertThat(defaults.headers()).isEmpty();
        assertThat(defaults.routingKey()).isNull();
        assertThat(defaults.mandatory()).isFalse();
    }

    @Test
    void builderSetsEveryOption() {
        PublishOptions options = PublishOptions.builder()
                .messageId("charge-42")
                .header("tenant", "acme")
                .header("priority", 5)
                .routingKey("eu.order")
                .mandatory(true)
                .build();

        assertThat(options.messageId()).isEqualTo("charge-42");
        assertThat(options.headers()).containsOnly(entry("tenant", "acme"), entry("priority", 5));
        assertThat(options.routingKey()).isEqualTo("eu.order");
        assertThat(options.mandatory()).isTrue();
    }

    @Test
    void headersAreImmutableAndIndependentOfTheBuilder() {
        PublishOptions.Builder builder = PublishOptions.builder().header("a", "1");
        PublishOptions options = builder.build();

        builder.header("b", "2");

        assertThat(options.headers()).containsOnlyKeys("a");
        assertThatThrownBy(() -> options.headers().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void blankMessageIdIsRejected() {
        assertThatThrownBy(() -> PublishOptions.builder().messageId(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("messageId must not be blank; leave it unset for a random UUID");
        assertThatThrownBy(() -> PublishOptions.builder().messageId(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("messageId");
    }

    @Test
    void reservedHeaderPrefixIsRejected() {
        assertThatThrownBy(() -> PublishOptions.builder().header("x-warren-attempts", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header x-warren-attempts is reserved for Warren; use a name without the x-warren- prefix");
    }

    @Test
    void nullHeaderNameOrValueIsRejected() {
        assertThatThrownBy(() -> PublishOptions.builder().header(null, "v"))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> PublishOptions.builder().header("n", null))
                .isInstanceOf(NullPointerException.class).hasMessage("value");
        assertThatThrownBy(() -> PublishOptions.builder().routingKey(null))
                .isInstanceOf(NullPointerException.class).hasMessage("routingKey");
    }
}
