package dev.warren.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.annotation.QueueType;
import dev.warren.topology.Topology;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The topology commands, which read an exported definitions file and need no broker. */
class WarrenCliTopologyTests {

    final JsonMapper mapper = JsonMapper.builder().build();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final WarrenCli cli = new WarrenCli(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), Map.of());

    @TempDir
    Path files;

    final Topology topology = Topology.builder().workQueue("orders", QueueType.QUORUM)
            .subscription("order.placed", "email", QueueType.CLASSIC).build();

    private Path exported() throws IOException {
        Path file = files.resolve("warren.json");
        Files.writeString(file, mapper.writeValueAsString(topology.toDefinitions("shop")));
        return file;
    }

    @Test
    void exportedDefinitionsReadBackAsTheSameTopology() throws IOException {
        Topology read = TopologyFile.read(exported(), mapper);
        assertThat(read.exchanges()).isEqualTo(topology.exchanges());
        assertThat(read.bindings()).isEqualTo(topology.bindings());
        assertThat(read.queues()).extracting(q -> q.name() + " " + q.type())
                .containsExactlyElementsOf(topology.queues().stream().map(q -> q.name() + " " + q.type()).toList());
        assertThat(read.queue("orders").arguments()).containsEntry("x-dead-letter-exchange", Topology.DEAD_LETTER_EXCHANGE);
    }

    @Test
    void permissionsPrintTheGrantCommandForTheUriUser() throws IOException {
        assertThat(cli.run("permissions", "--topology", exported().toString(), "--uri", "amqp://orders-app:s3cret@rabbit/shop"))
                .isEqualTo(WarrenCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rabbitmqctl set_permissions -p 'shop' 'orders-app'")
                .contains("orders").doesNotContain("s3cret");
    }

    @Test
    void definitionsAreWrittenForAnotherVirtualHost() throws IOException {
        assertThat(cli.run("definitions", "--topology", exported().toString(), "--vhost", "staging")).isEqualTo(WarrenCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"vhost\" : \"staging\"").doesNotContain("\"shop\"");
    }

    @Test
    void missingTopologyFileSaysHowToExportOne() {
        assertThat(cli.run("permissions", "--topology", files.resolve("none.json").toString())).isEqualTo(WarrenCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not exist").contains("/actuator/warren/topology/definitions");
    }

    @Test
    void fileThatIsNotDefinitionsIsAUsageError() throws IOException {
        Path file = files.resolve("other.json");
        Files.writeString(file, "{\"users\": []}");
        assertThat(cli.run("definitions", "--topology", file.toString())).isEqualTo(WarrenCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not RabbitMQ definitions");
    }
}
