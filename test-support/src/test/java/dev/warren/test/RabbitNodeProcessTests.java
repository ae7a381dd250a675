package dev.warren.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RabbitNodeProcessTests {

    @Test
    void missingRabbitmqServerFailsSayingWhatToInstall() {
        assertThatThrownBy(() -> RabbitNodeProcess.rabbitmqServer(List.of(Path.of("/nonexistent/rabbitmq-server")), "/nonexistent/bin"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rabbitmq-server is not installed")
                .hasMessageContaining("apt-get install rabbitmq-server");
    }
}
