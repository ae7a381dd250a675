package dev.warren.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.consumer.InputLimits;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class LimitedJsonMapperTests {

    record Order(String orderId, long totalCents) {
    }

    @Test
    void theApplicationsConfigurationIsKept() {
        JsonMapper application = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

        JsonMapper limited = LimitedJsonMapper.of(application, InputLimits.DEFAULTS);

        assertThat(limited.readValue("{\"order_id\":\"o-1\",\"total_cents\":5}", Order.class)).isEqualTo(new Order("o-1", 5));
        assertThatThrownBy(() -> limited.readValue("{\"order_id\":\"o-1\",\"total_cents\":1,\"other\":1}", Order.class))
                .as("unknown properties still fail, as the application configured").hasMessageContaining("other");
    }

    @Test
    void warrensLimitsApplyAndTheApplicationsMapperIsUnchanged() {
        JsonMapper application = JsonMapper.builder().build();
        StreamReadConstraints before = application.tokenStreamFactory().streamReadConstraints();

        JsonMapper limited = LimitedJsonMapper.of(application, new InputLimits(4_096, 3, 10, 5, 0));

        StreamReadConstraints constraints = limited.tokenStreamFactory().streamReadConstraints();
        assertThat(constraints.getMaxNestingDepth()).isEqualTo(3);
        assertThat(constraints.getMaxStringLength()).isEqualTo(10);
        assertThat(constraints.getMaxNameLength()).isEqualTo(10);
        assertThat(constraints.getMaxNumberLength()).isEqualTo(5);
        assertThat(constraints.getMaxDocumentLength()).isEqualTo(4_096);
        assertThatThrownBy(() -> limited.readTree("[[[[1]]]]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StreamConstraintsException.class);
        assertThat(application.tokenStreamFactory().streamReadConstraints()).isSameAs(before);
        assertThat(application.readTree("[[[[1]]]]").toString()).isEqualTo("[[[[1]]]]");
    }

    @Test
    void stricterLimitsOfTheApplicationsOwnHold() {
        JsonMapper application = JsonMapper.builder(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2).maxDocumentLength(100).build())
                .build()).build();

        JsonMapper limited = LimitedJsonMapper.of(application, InputLimits.DEFAULTS);

        StreamReadConstraints constraints = limited.tokenStreamFactory().streamReadConstraints();
        assertThat(constraints.getMaxNestingDepth()).isEqualTo(2);
        assertThat(constraints.getMaxDocumentLength()).isEqualTo(100);
        assertThat(constraints.getMaxNumberLength()).isEqualTo(InputLimits.DEFAULT_MAX_NUMBER_LENGTH);
        assertThat(limited.readValue("{\"a\":{}}", Map.class)).containsKey("a");
    }
}
