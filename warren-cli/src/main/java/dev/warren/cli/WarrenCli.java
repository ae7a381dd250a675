package dev.warren.cli;

import com.rabbitmq.client.Channel;
import dev.warren.WarrenEngine;
import dev.warren.WarrenException;
import dev.warren.annotation.QueueType;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.DeadLetterQueue;
import dev.warren.deadletter.DeadLetters;
import dev.warren.deadletter.FailureGroup;
import dev.warren.deadletter.OperationResult;
import dev.warren.deadletter.ReplayOptions;
import dev.warren.deadletter.Selection;
import dev.warren.internal.rabbit.TopologyCheck;
import dev.warren.topology.Permissions;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import tools.jackson.databind.json.JsonMapper;

/**
 * Warren's command-line tool for operators who do not expose Actuator: the dead-letter queues
 * ({@code list}, {@code peek}, {@code groups}, {@code replay}, {@code discard}) and an
 * application's topology ({@code permissions}, {@code definitions}, {@code check}), through core's
 * own operations and with their safety: a replay or discard publishes each copy with a confirm
 * before it removes the dead letter, a discard needs a reason, and both print what they would do
 * and ask before they do it unless {@code --yes}.
 *
 * <pre>{@code
 * java -jar warren-cli.jar peek orders --uri amqp://ops:secret@rabbit:5672/shop
 * int exit = new WarrenCli(System.out, System.err, System.in, System.getenv()).run("groups", "orders");
 * }</pre>
 *
 * <p>Exit codes: {@value #OK} ok, {@value #PROBLEMS} problems found or refused, {@value #USAGE}
 * usage error. The password of the broker URI is never printed. One instance runs one command at
 * a time on the caller's thread.
 *
 * @since 0.1
 */
public final class WarrenCli {

    /** Exit code: done, nothing wrong. */
    public static final int OK = 0;

    /** Exit code: problems found (a failed check, a broker error) or an operation refused. */
    public static final int PROBLEMS = 1;

    /** Exit code: the command line is wrong. */
    public static final int USAGE = 2;

    /** How many message ids a preview prints before it only counts. */
    private static final int PREVIEW_IDS = 20;

    private final PrintStream out;
    private final PrintStream err;
    private final BufferedReader in;
    private final Map<String, String> environment;
    private final JsonMapper mapper = JsonMapper.builder().build();

    /**
     * A tool that writes to the given streams and reads confirmations from {@code in}.
     *
     * @param out the command's output
     * @param err errors and the broker's audit log lines
     * @param in where answers to "go on?" come from
     * @param environment the environment variables ({@code WARREN_RABBITMQ_URI}, {@code WARREN_MANAGEMENT_URL})
     */
    public WarrenCli(PrintStream out, PrintStream err, InputStream in, Map<String, String> environment) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(in, "in"), StandardCharsets.UTF_8));
        this.environment = Map.copyOf(environment);
    }

    /**
     * Runs the tool and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new WarrenCli(System.out, System.err, System.in, System.getenv()).run(args));
    }

    /**
     * Runs one command.
     *
     * @param args the command line, such as {@code peek orders --limit 5}
     * @return the exit code: {@value #OK}, {@value #PROBLEMS} or {@value #USAGE}
     */
    public int run(String... args) {
        List<String> arguments = List.of(args);
        if (arguments.isEmpty() || arguments.get(0).equals("--help") || arguments.get(0).equals("-h")
                || arguments.get(0).equals("help")) {
            (arguments.isEmpty() ? err : out).println(Command.overview());
            return arguments.isEmpty() ? USAGE : OK;
        }
        Arguments parsed;
        try {
            parsed = Arguments.parse(arguments);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("See warren " + (Command.named(arguments.get(0)).isPresent() ? arguments.get(0) + " " : "") + "--help");
            return USAGE;
        }
        if (parsed.helpRequested()) {
            out.println(parsed.command().help());
            return OK;
        }
        try {
            return execute(parsed);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("See warren " + parsed.command().commandName() + " --help");
            return USAGE;
        } catch (WarrenException | IllegalArgumentException e) {
            err.println("error: " + describe(e));
            return PROBLEMS;
        }
    }

    private int execute(Arguments arguments) {
        return switch (arguments.command()) {
            case PERMISSIONS -> permissions(arguments);
            case DEFINITIONS -> definitions(arguments);
            case CHECK -> check(arguments);
            default -> withDeadLetters(arguments);
        };
    }

    private int withDeadLetters(Arguments arguments) {
        Broker broker = requireBroker(arguments);
        // Without the application's topology the work queue is the one the operator names: a replay
        // then goes back to it only, and a letter that names another original queue needs --target.
        Topology topology = arguments.option("--topology") != null ? topology(arguments)
                : arguments.command() == Command.LIST ? deadLetterQueuesOf(broker) : workQueuesOf(List.of(workQueue(arguments.queue())));
        CachingConnectionFactory factory = broker.connectionFactory();
        try (WarrenEngine engine = WarrenEngine.builder(factory).declare(topology).build()) {
            if (arguments.command() != Command.LIST) {
                requireQueue(factory, deadLetterQueue(arguments.queue()), broker);
            }
            DeadLetters deadLetters = engine.deadLetters();
            return switch (arguments.command()) {
                case LIST -> list(deadLetters);
                case PEEK -> peek(deadLetters, arguments);
                case GROUPS -> groups(deadLetters, arguments);
                case REPLAY -> replay(deadLetters, arguments);
                case DISCARD -> discard(deadLetters, arguments);
                default -> throw new IllegalStateException("not a dead-letter command: " + arguments.command());
            };
        } catch (AmqpException e) {
            throw new WarrenException("Could not work with the broker at " + broker.display() + ": " + describe(e)
                    + "; check --uri (or " + Broker.URI_VARIABLE + ")", e);
        } finally {
            factory.destroy();
        }
    }

    /** Says which queue is missing where, instead of the broker's channel error that core's read reports. */
    private static void requireQueue(CachingConnectionFactory factory, String queue, Broker broker) {
        try (Connection connection = factory.createConnection()) {
            Channel channel = connection.createChannel(false);
            try {
                channel.queueDeclarePassive(queue);
                channel.close();
            } catch (IOException e) {
                if (!describe(e).contains("NOT_FOUND")) {
                    throw new WarrenException("Could not look at queue '" + queue + "': " + describe(e), e);
                }
                throw new WarrenException("There is no queue '" + queue + "' in virtual host '" + broker.virtualHost()
                        + "'; warren list shows the dead-letter queues there are");
            } catch (TimeoutException e) {
                throw new WarrenException("The broker at " + broker.display() + " did not close a channel in time", e);
            }
        }
    }

    /** Work queues for the {@code *.dlq} queues the management API lists, so that core's {@code queues()} finds them. */
    private Topology deadLetterQueuesOf(Broker broker) {
        return workQueuesOf(new ManagementQueues(broker.managementApi(), mapper).names().stream()
                .filter(name -> name.endsWith(".dlq") && name.length() > ".dlq".length())
                .map(WarrenCli::workQueue)
                .sorted()
                .toList());
    }

    /** A topology of work queues whose failures go to Warren's dead-letter exchange; nothing is declared. */
    private static Topology workQueuesOf(List<String> queues) {
        return new Topology(List.of(), queues.stream().map(queue -> new QueueSpec(queue, QueueType.CLASSIC,
                Map.of("x-queue-type", "classic", "x-dead-letter-exchange", Topology.DEAD_LETTER_EXCHANGE))).toList(), List.of());
    }

    /** The work queue of a queue name given either way: {@code orders} or {@code orders.dlq}. */
    private static String workQueue(String queue) {
        return queue.endsWith(".dlq") && queue.length() > ".dlq".length() ? queue.substring(0, queue.length() - ".dlq".length())
                : queue;
    }

    private int list(DeadLetters deadLetters) {
        List<DeadLetterQueue> queues = deadLetters.queues();
        if (queues.isEmpty()) {
            out.println("No dead-letter queues.");
            return OK;
        }
        Table table = new Table("QUEUE", "DEAD-LETTER QUEUE", "DEPTH", "OLDEST");
        for (DeadLetterQueue queue : queues) {
            table.row(queue.queue(), queue.deadLetterQueue(), String.valueOf(queue.depth()),
                    queue.oldestAge() == null ? "-" : age(queue.oldestAge()));
        }
        table.print(out);
        return OK;
    }

    private int peek(DeadLetters deadLetters, Arguments arguments) {
        List<DeadLetter> letters = deadLetters.peek(arguments.queue(), arguments.limit());
        if (letters.isEmpty()) {
            out.println("No dead letters in " + deadLetterQueue(arguments.queue()) + ".");
            return OK;
        }
        for (DeadLetter letter : letters) {
            out.println("message-id:    " + Objects.requireNonNullElse(letter.messageId(), "(none)"));
            out.println("  queue:       " + letter.originalQueue());
            out.println("  failed-at:   " + (letter.failedAt() == null ? "unknown" : letter.failedAt()));
            out.println("  attempts:    " + letter.attempts() + ", replays " + letter.replays() + ", failure class "
                    + Objects.requireNonNullElse(letter.failureClass(), "unknown"));
            out.println("  exception:   " + Objects.requireNonNullElse(letter.exceptionType(), "unknown"));
            out.println("  fingerprint: " + letter.fingerprint());
            out.println("  reason:      " + letter.reason());
            if (arguments.flag("--body")) {
                out.println("  body:        " + letter.bodyText());
            }
        }
        out.println(letters.size() + (letters.size() == 1 ? " dead letter" : " dead letters") + " shown, left in "
                + deadLetterQueue(arguments.queue()) + ".");
        return OK;
    }

    private int groups(DeadLetters deadLetters, Arguments arguments) {
        List<FailureGroup> groups = deadLetters.groups(arguments.queue());
        if (groups.isEmpty()) {
            out.println("No dead letters in " + deadLetterQueue(arguments.queue()) + ".");
            return OK;
        }
        Table table = new Table("COUNT", "FINGERPRINT", "EXCEPTION", "FIRST SEEN", "LAST SEEN", "EXAMPLE REASON");
        for (FailureGroup group : groups) {
            table.row(String.valueOf(group.count()), group.fingerprint(), Objects.requireNonNullElse(group.exceptionType(), "unknown"),
                    String.valueOf(group.firstSeen()), String.valueOf(group.lastSeen()), group.exampleReason());
        }
        table.print(out);
        return OK;
    }

    private int replay(DeadLetters deadLetters, Arguments arguments) {
        String queue = arguments.queue();
        Selection selection = arguments.selection();
        String target = arguments.option("--target");
        OperationResult preview = deadLetters.replay(queue, selection, new ReplayOptions(true, target, arguments.maxPerSecond()));
        out.println("Would replay " + preview.matched() + " of " + preview.examined() + " dead letters in "
                + deadLetterQueue(queue) + " (" + preview.selection() + ") to " + preview.destination() + ids(preview.messageIds()));
        if (preview.matched() == 0 || arguments.flag("--dry-run")) {
            out.println(preview.matched() == 0 ? "Nothing to replay." : "Dry run: nothing replayed.");
            return OK;
        }
        if (!confirmed("Replay " + preview.matched() + " dead letters?", arguments)) {
            return PROBLEMS;
        }
        OperationResult result = deadLetters.replay(queue, selection, new ReplayOptions(false, target, arguments.maxPerSecond()));
        out.println("Replayed " + result.moved() + " of " + result.matched() + " selected dead letters to " + result.destination() + ".");
        return OK;
    }

    private int discard(DeadLetters deadLetters, Arguments arguments) {
        String queue = arguments.queue();
        Selection selection = arguments.selection();
        String reason = Objects.requireNonNull(arguments.option("--reason"));
        String operator = Objects.requireNonNullElse(arguments.option("--operator"), System.getProperty("user.name", "warren-cli"));
        List<DeadLetter> letters = deadLetters.peek(queue, DeadLetters.MAX_MESSAGES);
        List<String> ids = letters.stream().filter(selection::matches)
                .map(letter -> Objects.requireNonNullElse(letter.messageId(), "")).toList();
        out.println("Would discard " + ids.size() + " of " + letters.size() + " dead letters in " + deadLetterQueue(queue) + " ("
                + selection + ") to " + DeadLetters.DISCARDED_QUEUE + ", by " + operator + ", reason: " + reason + ids(ids));
        if (ids.isEmpty() || arguments.flag("--dry-run")) {
            out.println(ids.isEmpty() ? "Nothing to discard." : "Dry run: nothing discarded.");
            return OK;
        }
        if (!confirmed("Discard " + ids.size() + " dead letters?", arguments)) {
            return PROBLEMS;
        }
        OperationResult result = deadLetters.discard(queue, selection, reason, operator);
        out.println("Discarded " + result.moved() + " of " + result.matched() + " selected dead letters to " + result.destination() + ".");
        return OK;
    }

    private boolean confirmed(String question, Arguments arguments) {
        if (arguments.flag("--yes")) {
            return true;
        }
        out.print(question + " Type yes to go on: ");
        out.flush();
        String answer;
        try {
            answer = in.readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (answer != null && (answer.trim().equalsIgnoreCase("yes") || answer.trim().equalsIgnoreCase("y"))) {
            return true;
        }
        out.println();
        err.println("Refused: not confirmed, nothing moved. Answer yes, or give --yes to skip the question.");
        return false;
    }

    private int permissions(Arguments arguments) {
        Topology topology = topology(arguments);
        Broker broker = Broker.of(arguments, environment);
        String user = Objects.requireNonNullElse(arguments.option("--user"), broker != null ? broker.username() : "<user>");
        String vhost = virtualHost(arguments, broker);
        Permissions permissions = Permissions.of(topology, arguments.topologyMode());
        out.println("Permissions the topology needs in virtual host '" + vhost + "' (topology mode "
                + arguments.topologyMode().name().toLowerCase(Locale.ROOT) + "):");
        out.println("  configure: " + permissions.configure());
        out.println("  write:     " + permissions.write());
        out.println("  read:      " + permissions.read());
        out.println("  grant with: " + permissions.rabbitmqctlCommand(user, vhost));
        return OK;
    }

    private int definitions(Arguments arguments) {
        Topology topology = topology(arguments);
        String vhost = virtualHost(arguments, Broker.of(arguments, environment));
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(topology.toDefinitions(vhost)));
        return OK;
    }

    private int check(Arguments arguments) {
        Topology topology = topology(arguments);
        Broker broker = requireBroker(arguments);
        List<String> differences = new TopologyCheck(broker.managementApi(), mapper).differences(topology);
        if (differences.isEmpty()) {
            out.println("Virtual host '" + broker.virtualHost() + "' has the topology: " + topology.exchanges().size()
                    + " exchanges, " + topology.queues().size() + " queues and " + topology.bindings().size()
                    + " bindings in place.");
            return OK;
        }
        out.println("Virtual host '" + broker.virtualHost() + "' differs from the topology (" + differences.size()
                + (differences.size() == 1 ? " difference" : " differences") + "):");
        differences.forEach(difference -> out.println("  - " + difference));
        out.println("Create or correct these objects, e.g. warren definitions --topology <file> > defs.json && "
                + "rabbitmqctl import_definitions defs.json; a queue with other arguments must be deleted and declared again.");
        return PROBLEMS;
    }

    private Topology topology(Arguments arguments) {
        return TopologyFile.read(Path.of(Objects.requireNonNull(arguments.option("--topology"))), mapper);
    }

    private Broker requireBroker(Arguments arguments) {
        Broker broker = Broker.of(arguments, environment);
        if (broker == null) {
            throw new UsageException(arguments.command().commandName() + " needs a broker: give --uri "
                    + "amqp://user:password@host:5672/vhost or set " + Broker.URI_VARIABLE);
        }
        return broker;
    }

    private static String virtualHost(Arguments arguments, @Nullable Broker broker) {
        return Objects.requireNonNullElse(arguments.option("--vhost"), broker != null ? broker.virtualHost() : "/");
    }

    private static String deadLetterQueue(String queue) {
        return queue.endsWith(".dlq") ? queue : QueueSpec.deadLetterQueueName(queue);
    }

    private static String ids(List<String> ids) {
        if (ids.isEmpty()) {
            return ".";
        }
        String shown = String.join(", ", ids.subList(0, Math.min(PREVIEW_IDS, ids.size())));
        return ": " + shown + (ids.size() > PREVIEW_IDS ? " and " + (ids.size() - PREVIEW_IDS) + " more" : "") + ".";
    }

    private static String age(Duration age) {
        if (age.toDays() > 0) {
            return age.toDays() + "d " + age.toHoursPart() + "h";
        }
        if (age.toHours() > 0) {
            return age.toHours() + "h " + age.toMinutesPart() + "m";
        }
        return age.toMinutes() > 0 ? age.toMinutes() + "m " + age.toSecondsPart() + "s" : age.toSeconds() + "s";
    }

    /** The message with the deepest cause's, which for a broker error says what the broker refused. */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(failure.getMessage());
        String rootMessage = root.getMessage();
        return root == failure || rootMessage == null || message.contains(rootMessage) ? message : message + " (" + rootMessage + ")";
    }

    /** Columns padded to their widest cell. */
    private static final class Table {

        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void print(PrintStream out) {
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }
}
