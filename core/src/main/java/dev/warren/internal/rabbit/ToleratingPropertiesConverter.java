package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import dev.warren.internal.pipeline.HeaderValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

/**
 * Spring AMQP's properties converter, made safe for headers a producer forged. Spring AMQP casts
 * the first entry of {@code x-death} to a table while it converts a delivery, before any listener
 * runs; a producer that set it to a list of anything else would make the conversion throw on every
 * redelivery and the consumer restart in a loop. Such an {@code x-death} is moved to
 * {@code x-warren-invalid-x-death}, as text, and the delivery goes on. Called on consumer threads; stateless.
 */
final class ToleratingPropertiesConverter extends DefaultMessagePropertiesConverter {

    /** Where a malformed {@code x-death} goes, cut to a readable length. */


    private static final int MAX_KEPT_CHARS = 1_024;

    @Override
    public MessageProperties toMessageProperties(AMQP.BasicProperties source, Envelope envelope, String charset) {
        Map<String, Object> headers = source.getHeaders();
        if (headers != null && headers.containsKey(WarrenHeaders.X_DEATH) && !isDeathList(headers.get(WarrenHeaders.X_DEATH))) {
            Map<String, Object> sane = new LinkedHashMap<>(headers);
            sane.put(WarrenHeaders.INVALID_X_DEATH, HeaderValues.printable(sane.remove(WarrenHeaders.X_DEATH), MAX_KEPT_CHARS));
            source = source.builder().headers(sane).build();
        }
        return super.toMessageProperties(source, envelope, charset);
    }

    /** What the broker writes: a list of tables. */
    static boolean isDeathList(Object value) {
        if (!(value instanceof List<?> list)) {
            return false;
        }
        for (Object death : list) {
            if (!(death instanceof Map<?, ?>)) {
                return false;
            }
        }
        return true;
    }
}
