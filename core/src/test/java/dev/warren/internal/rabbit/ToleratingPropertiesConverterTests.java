package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

class ToleratingPropertiesConverterTests {

    final Envelope envelope = new Envelope(1, false, "", "q");

    @Test
    void springAmqpAloneThrowsOnAnXDeathListWithoutTables() {
        AMQP.BasicProperties forged = properties(Map.of("x-death", List.of(7)));
        assertThatThrownBy(() -> new DefaultMessagePropertiesConverter().toMessageProperties(forged, envelope, "UTF-8"))
                .isInstanceOf(ClassCastException.class);
    }

    @Test
    void aForgedXDeathIsMovedAsideAndTheDeliveryConverts() {
        MessageProperties text = convert(Map.of("x-death", "forged", "tenant", "acme"));
        assertThat(text.getHeaders()).doesNotContainKey("x-death").containsEntry("tenant", "acme")
                .containsEntry(WarrenHeaders.INVALID_X_DEATH, "forged");

        MessageProperties listOfNumbers = convert(Map.of("x-death", List.of(1, 2)));
        assertThat(listOfNumbers.getHeaders()).containsEntry(WarrenHeaders.INVALID_X_DEATH, "[1, 2]");
    }

    @Test
    void theBrokersXDeathIsKept() {
        List<Map<String, Object>> deaths = List.of(Map.of("count", 2L, "reason", "expired", "queue", "q.retry.1s"));
        MessageProperties properties = convert(Map.of("x-death", deaths));
        assertThat(properties.getHeaders()).containsKey("x-death").doesNotContainKey(WarrenHeaders.INVALID_X_DEATH);
        assertThat(properties.getRetryCount()).isEqualTo(2);
    }

    private MessageProperties convert(Map<String, Object> headers) {
        return new ToleratingPropertiesConverter().toMessageProperties(properties(headers), envelope, "UTF-8");
    }

    private static AMQP.BasicProperties properties(Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().headers(headers).build();
    }
}
