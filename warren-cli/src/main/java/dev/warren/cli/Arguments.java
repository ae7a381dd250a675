package dev.warren.cli;

import dev.warren.deadletter.DeadLetters;
import dev.warren.deadletter.Selection;
import dev.warren.topology.TopologyMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed command line: the command, its queue if it takes one, and its options. Parsing checks
 * everything the command line alone can tell, so that a typo fails before the broker is touched.
 * Immutable.
 */
final class Arguments {

    /** How many dead letters {@code peek} shows without {@code --limit}. */
    static final int DEFAULT_PEEK_LIMIT = 10;

    private final Command command;
    private final @Nullable String queue;
    private final Map<String, String> options;
    private final Set<String> flags;

    private Arguments(Command command, @Nullable String queue, Map<String, String> options, Set<String> flags) {
        this.command = command;
        this.queue = queue;
        this.options = Map.copyOf(options);
        this.flags = Set.copyOf(flags);
    }

    /**
     * Parses a command line: {@code <command> [<queue>] [--option value | --option=value | --flag]...}.
     *
     * @param args the arguments after the program's name; not empty
     * @return the parsed arguments
     * @throws UsageException naming what is wrong and how to write it
     */
    static Arguments parse(List<String> args) {
        if (args.isEmpty()) {
            throw new UsageException("no command given; one of: " + commandNames());
        }
        String name = args.get(0);
        Command command = Command.named(name).orElseThrow(() -> new UsageException("unknown command '" + name
                + "'; one of: " + commandNames()));
        List<String> positionals = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
                continue;
            }
            int equals = arg.indexOf('=');
            String option = equals > 0 ? arg.substring(0, equals) : arg;
            if (command.takesFlag(option)) {
                if (equals > 0) {
                    throw new UsageException(command.commandName() + ": " + option + " takes no value; write " + option + " alone");
                }
                flags.add(option);
            } else if (command.takesOption(option)) {
                String value;
                if (equals > 0) {
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(command.commandName() + ": " + option + " needs a value, e.g. " + option + " "
                            + example(option));
                }
                if (options.putIfAbsent(option, value) != null) {
                    throw new UsageException(command.commandName() + ": " + option + " is given twice; give it once");
                }
            } else {
                throw new UsageException(command.commandName() + ": unknown option " + option + "; its options are "
                        + String.join(", ", command.optionNames()));
            }
        }
        Arguments parsed = new Arguments(command, positionals.isEmpty() ? null : positionals.get(0), options, flags);
        if (parsed.helpRequested()) {
            return parsed;
        }
        if (positionals.size() > command.positionals()) {
            throw new UsageException(command.commandName() + ": unexpected argument '" + positionals.get(command.positionals())
                    + "'; usage: " + command.usage());
        }
        if (positionals.size() < command.positionals()) {
            throw new UsageException(command.commandName() + " needs a queue (the work queue or its .dlq); usage: "
                    + command.usage());
        }
        parsed.validate();
        return parsed;
    }

    /** Checks the values each command needs, so that the message names the option and the fix. */
    private void validate() {
        switch (command) {
            case PEEK -> limit();
            case REPLAY -> {
                maxPerSecond();
                selection();
            }
            case DISCARD -> {
                String reason = option("--reason");
                if (reason == null || reason.isBlank()) {
                    throw new UsageException("discard needs --reason \"...\": the reason is kept with each message in "
                            + DeadLetters.DISCARDED_QUEUE + " so that whoever finds it later knows why; e.g. warren discard "
                            + "orders --reason \"test orders from the load test\"");
                }
                selection();
            }
            case PERMISSIONS, DEFINITIONS, CHECK -> {
                requireTopology();
                if (command == Command.PERMISSIONS) {
                    topologyMode();
                }
            }
            case LIST, GROUPS -> {
            }
        }
    }

    private void requireTopology() {
        if (option("--topology") == null) {
            throw new UsageException(command.commandName() + " needs --topology <file>: the application's topology as RabbitMQ "
                    + "definitions, from GET /actuator/warren/topology/definitions or WarrenEngine.fullTopology().toDefinitions(vhost)");
        }
    }

    Command command() {
        return command;
    }

    /** The queue; only for commands that take one. */
    String queue() {
        if (queue == null) {
            throw new IllegalStateException(command.commandName() + " takes no queue");
        }
        return queue;
    }

    @Nullable String option(String name) {
        return options.get(name);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    boolean helpRequested() {
        return Command.HELP_FLAGS.stream().anyMatch(flags::contains);
    }

    /** {@code --limit}: 1 to {@value DeadLetters#MAX_MESSAGES}, {@value #DEFAULT_PEEK_LIMIT} when not given. */
    int limit() {
        String value = option("--limit");
        if (value == null) {
            return DEFAULT_PEEK_LIMIT;
        }
        int limit = integer("--limit", value);
        if (limit < 1 || limit > DeadLetters.MAX_MESSAGES) {
            throw new UsageException("--limit must be between 1 and " + DeadLetters.MAX_MESSAGES + " but was " + limit);
        }
        return limit;
    }

    /** {@code --max-per-second}: 0 (no limit, the default) or more. */
    int maxPerSecond() {
        String value = option("--max-per-second");
        if (value == null) {
            return 0;
        }
        int rate = integer("--max-per-second", value);
        if (rate < 0) {
            throw new UsageException("--max-per-second must be >= 0 (0 for no limit) but was " + rate);
        }
        return rate;
    }

    /** The dead letters {@code --message-id}, {@code --fingerprint} and {@code --exception-type} select; all without them. */
    Selection selection() {
        for (String option : List.of("--message-id", "--fingerprint", "--exception-type")) {
            String value = option(option);
            if (value != null && value.isBlank()) {
                throw new UsageException(option + " must not be blank; leave it out to select every dead letter");
            }
        }
        return Selection.of(option("--message-id"), option("--fingerprint"), option("--exception-type"), null, null);
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number but was '" + value + "'");
        }
    }

    private static String example(String option) {
        return switch (option) {
            case "--uri" -> "amqp://user:password@host:5672/vhost";
            case "--management-url" -> "http://host:15672";
            case "--topology" -> "warren-topology.json";
            case "--limit", "--max-per-second" -> "10";
            case "--reason" -> "\"test orders\"";
            case "--mode" -> "passive";
            default -> "<value>";
        };
    }

    private static String commandNames() {
        return String.join(", ", Arrays.stream(Command.values()).map(Command::commandName).toList());
    }

    /** {@code --mode}: declare (the default) or passive. */
    TopologyMode topologyMode() {
        String mode = options.getOrDefault("--mode", "declare");
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "declare" -> TopologyMode.DECLARE;
            case "passive" -> TopologyMode.PASSIVE;
            default -> throw new UsageException("--mode must be declare or passive but was '" + mode + "'");
        };
    }
}
