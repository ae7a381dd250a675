package dev.warren.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Command lines the tool rejects before it touches a broker, and how it says so. */
class WarrenCliArgumentsTests {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final WarrenCli cli = new WarrenCli(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), Map.of());

    @Test
    void unknownCommandIsAUsageErrorListingTheCommands() {
        assertThat(cli.run("purge", "orders")).isEqualTo(WarrenCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'purge'").contains("replay, discard");
    }

    @Test
    void unknownOptionNamesTheOptionsTheCommandTakes() {
        assertThatThrownBy(() -> Arguments.parse(List.of("peek", "orders", "--limt", "5")))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown option --limt").hasMessageContaining("--limit");
    }

    @Test
    void optionWithoutValueShowsAnExample() {
        assertThatThrownBy(() -> Arguments.parse(List.of("peek", "orders", "--limit")))
                .hasMessageContaining("--limit needs a value, e.g. --limit 10");
    }

    @Test
    void limitMustBeANumberInRange() {
        assertThatThrownBy(() -> Arguments.parse(List.of("peek", "orders", "--limit", "many")))
                .hasMessageContaining("--limit must be a whole number but was 'many'");
        assertThatThrownBy(() -> Arguments.parse(List.of("peek", "orders", "--limit=0")))
                .hasMessageContaining("--limit must be between 1 and 10000 but was 0");
    }

    @Test
    void queueCommandsNeedTheQueueAndNoMore() {
        assertThatThrownBy(() -> Arguments.parse(List.of("groups"))).hasMessageContaining("groups needs a queue");
        assertThatThrownBy(() -> Arguments.parse(List.of("groups", "a", "b"))).hasMessageContaining("unexpected argument 'b'");
    }

    @Test
    void discardWithoutReasonIsRefusedWithTheFix() {
        assertThat(cli.run("discard", "orders", "--yes")).isEqualTo(WarrenCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("discard needs --reason").contains("warren.discarded");
    }

    @Test
    void blankReasonIsRefusedToo() {
        assertThatThrownBy(() -> Arguments.parse(List.of("discard", "orders", "--reason", " ")))
                .hasMessageContaining("discard needs --reason");
    }

    @Test
    void negativeReplayRateIsRefused() {
        assertThatThrownBy(() -> Arguments.parse(List.of("replay", "orders", "--max-per-second", "-1")))
                .hasMessageContaining("--max-per-second must be >= 0");
    }

    @Test
    void flagTakesNoValue() {
        assertThatThrownBy(() -> Arguments.parse(List.of("replay", "orders", "--yes=no")))
                .hasMessageContaining("--yes takes no value");
    }

    @Test
    void topologyCommandsNeedTheFile() {
        assertThatThrownBy(() -> Arguments.parse(List.of("check"))).hasMessageContaining("check needs --topology <file>");
    }

    @Test
    void parsedOptionsKeepTheirValues() {
        Arguments arguments = Arguments.parse(List.of("replay", "orders.dlq", "--fingerprint=abc", "--target", "orders.v2",
                "--dry-run", "--max-per-second", "50"));
        assertThat(arguments.queue()).isEqualTo("orders.dlq");
        assertThat(arguments.option("--target")).isEqualTo("orders.v2");
        assertThat(arguments.flag("--dry-run")).isTrue();
        assertThat(arguments.flag("--yes")).isFalse();
        assertThat(arguments.maxPerSecond()).isEqualTo(50);
        assertThat(arguments.selection()).hasToString("all and fingerprint abc");
    }

    @Test
    void helpOfACommandPrintsItsUsageAndExitsZero() {
        assertThat(cli.run("replay", "--help")).isEqualTo(WarrenCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: warren replay <queue>").contains("--max-per-second")
                .contains("WARREN_RABBITMQ_URI");
    }

    @Test
    void noCommandPrintsTheOverviewAsAUsageError() {
        assertThat(cli.run()).isEqualTo(WarrenCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warren check --topology <file>").contains("Exit codes");
    }

    @Test
    void malformedUriIsNotRepeatedSinceItMayHoldThePassword() {
        assertThat(cli.run("peek", "orders", "--uri", "amqp://ops:s3cret word@host")).isEqualTo(WarrenCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--uri is not a URI").doesNotContain("s3cret");
    }

    @Test
    void brokerDisplayLeavesThePasswordOut() {
        Broker broker = Broker.of(Arguments.parse(List.of("list", "--uri", "amqp://ops:s3cret@rabbit:5673/shop")), Map.of());
        assertThat(broker).isNotNull();
        assertThat(broker.virtualHost()).isEqualTo("shop");
        assertThat(broker.display()).isEqualTo("amqp://ops@rabbit:5673/shop").doesNotContain("s3cret");
        assertThat(broker.toString()).doesNotContain("s3cret");
        assertThat(broker.managementUrl()).hasToString("http://rabbit:15672");
    }

    @Test
    void commandWithoutBrokerSaysHowToGiveOne() {
        assertThat(cli.run("peek", "orders")).isEqualTo(WarrenCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("peek needs a broker").contains("WARREN_RABBITMQ_URI");
    }
}
