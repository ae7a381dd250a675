package dev.warren.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.warren.deadletter.DeadLetters;
import dev.warren.internal.WarrenHeaders;
import dev.warren.test.RabbitBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;

/**
 * The tool's commands, run in-process, against a work queue and its dead-letter queue on the real
 * broker, filled with dead letters published raw as the wire contract describes them.
 */
class WarrenCliIT {

    static final List<String> IDS = List.of("cli-1", "cli-2", "cli-3");

    final RabbitBroker broker = RabbitBroker.get();
    final String queue = RabbitBroker.uniqueName("it.cli");
    final String deadLetterQueue = queue + ".dlq";
    final CachingConnectionFactory factory = broker.connectionFactory();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    Connection connection;
    Channel channel;

    @TempDir
    Path files;

    @BeforeEach
    void deadLetters() throws Exception {
        connection = factory.createConnection();
        channel = connection.createChannel(false);
        channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "classic"));
        channel.queueDeclare(deadLetterQueue, true, false, false, Map.of("x-queue-type", "classic"));
        channel.confirmSelect();
        for (String id : IDS) {
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(id).contentType("application/json")
                    .deliveryMode(2).headers(Map.of(
                            WarrenHeaders.EXCEPTION_MESSAGE, "no stock for " + id,
                            WarrenHeaders.EXCEPTION_STACKTRACE, "java.lang.IllegalStateException: no stock for " + id
                                    + "\n\tat shop.Orders.charge(Orders.java:42)\n\tat shop.Orders.handle(Orders.java:17)",
                            WarrenHeaders.ORIGINAL_QUEUE, queue,
                            WarrenHeaders.ATTEMPTS, 3,
                            WarrenHeaders.FAILURE_CLASS, "transient",
                            WarrenHeaders.FAILED_AT, System.currentTimeMillis()))
                    .build();
            channel.basicPublish("", deadLetterQueue, properties, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        channel.waitForConfirmsOrDie(10_000);
    }

    @AfterEach
    void deleteQueues() throws Exception {
        try {
            Channel cleanup = connection.createChannel(false);
            cleanup.queueDelete(queue);
            cleanup.queueDelete(deadLetterQueue);
            cleanup.close();
        } finally {
            connection.close();
            factory.destroy();
        }
    }

    @Test
    void peekListsTheDeadLettersAndLeavesThem() throws IOException {
        assertThat(run("", "peek", queue, "--limit", "5")).isEqualTo(WarrenCli.OK);
        assertThat(output()).contains("message-id:    cli-1", "message-id:    cli-2", "message-id:    cli-3")
                .contains("reason:      no stock for cli-2").contains("java.lang.IllegalStateException")
                .doesNotContain("{\"id\"");
        assertThat(depth(deadLetterQueue)).isEqualTo(3);
    }

    @Test
    void peekOfAMissingQueueNamesItAndPointsToList() {
        assertThat(run("", "peek", queue + ".none")).isEqualTo(WarrenCli.PROBLEMS);
        assertThat(errors()).contains("There is no queue '" + queue + ".none.dlq' in virtual host").contains("warren list");
    }

    @Test
    void groupsCountsTheDeadLettersThatFailedTheSameWay() {
        assertThat(run("", "groups", queue)).isEqualTo(WarrenCli.OK);
        assertThat(output().lines()).anyMatch(line -> line.matches("3\\s+\\S+\\s+java\\.lang\\.IllegalStateException\\s.*"));
    }

    @Test
    void listFindsTheDeadLetterQueueThroughTheManagementApi() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            out.reset();
            assertThat(run("", "list")).isEqualTo(WarrenCli.OK);
            assertThat(output().lines()).anyMatch(line -> line.matches(Pattern.quote(queue) + "\\s+"
                    + Pattern.quote(deadLetterQueue) + "\\s+3\\s+\\d+s"));
        });
    }

    @Test
    void discardWithoutReasonIsRefusedAndMovesNothing() throws IOException {
        assertThat(run("", "discard", queue, "--yes")).isEqualTo(WarrenCli.USAGE);
        assertThat(errors()).contains("discard needs --reason");
        assertThat(depth(deadLetterQueue)).isEqualTo(3);
    }

    @Test
    void discardThatIsNotConfirmedMovesNothing() throws IOException {
        assertThat(run("no\n", "discard", queue, "--reason", "load test orders", "--operator", "it")).isEqualTo(WarrenCli.PROBLEMS);
        assertThat(output()).contains("Would discard 3 of 3 dead letters in " + deadLetterQueue)
                .contains("to " + DeadLetters.DISCARDED_QUEUE + ", by it, reason: load test orders");
        assertThat(errors()).contains("Refused: not confirmed, nothing moved");
        assertThat(depth(deadLetterQueue)).isEqualTo(3);
    }

    @Test
    void replayDryRunPrintsWhatWouldMoveAndMovesNothing() throws IOException {
        assertThat(run("", "replay", queue, "--message-id", "cli-2", "--dry-run")).isEqualTo(WarrenCli.OK);
        assertThat(output()).contains("Would replay 1 of 3 dead letters in " + deadLetterQueue).contains(": cli-2.")
                .contains("Dry run: nothing replayed.");
        assertThat(depth(deadLetterQueue)).isEqualTo(3);
        assertThat(depth(queue)).isZero();
    }

    @Test
    void replayWithYesMovesThemBackToTheirQueue() {
        assertThat(run("", "replay", queue, "--yes")).isEqualTo(WarrenCli.OK);
        assertThat(output()).contains("Would replay 3 of 3").contains("Replayed 3 of 3 selected dead letters");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(depth(queue)).isEqualTo(3);
            assertThat(depth(deadLetterQueue)).isZero();
        });
    }

    @Test
    void checkReportsMissingAndConflictingQueues() throws IOException {
        String missing = queue + ".missing";
        Path topology = files.resolve("topology.json");
        Files.writeString(topology, """
                {"queues": [
                  {"name": "%s", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {"x-queue-type": "classic"}},
                  {"name": "%s", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {"x-queue-type": "quorum"}},
                  {"name": "%s", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {"x-queue-type": "classic"}}
                 ],
                 "exchanges": [], "bindings": []}
                """.formatted(queue, deadLetterQueue, missing));
        assertThat(run("", "check", "--topology", topology.toString())).isEqualTo(WarrenCli.PROBLEMS);
        assertThat(output()).contains("(2 differences)").contains("missing queue '" + missing + "'")
                .contains("queue '" + deadLetterQueue + "' has x-queue-type classic but Warren needs quorum")
                .doesNotContain("queue '" + queue + "' ");
    }

    @Test
    void checkPassesWhenEveryQueueIsThere() throws IOException {
        Path topology = files.resolve("topology.json");
        Files.writeString(topology, """
                {"queues": [{"name": "%s", "arguments": {"x-queue-type": "classic"}}], "exchanges": [], "bindings": []}
                """.formatted(queue));
        assertThat(run("", "check", "--topology", topology.toString())).isEqualTo(WarrenCli.OK);
        assertThat(output()).contains("1 queues");
    }

    @Test
    void noCommandPrintsThePassword() {
        run("", "peek", queue);
        run("", "list");
        assertThat(output() + errors()).doesNotContain(":" + broker.password() + "@");
    }

    private int run(String input, String... args) {
        WarrenCli cli = new WarrenCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), Map.of(
                        Broker.URI_VARIABLE, broker.uri().toString(),
                        Broker.MANAGEMENT_URL_VARIABLE, broker.management().url().toString()));
        return cli.run(args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private long depth(String name) throws IOException {
        return channel.queueDeclarePassive(name).getMessageCount();
    }
}
