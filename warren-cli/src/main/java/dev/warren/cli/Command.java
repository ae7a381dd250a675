package dev.warren.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The tool's commands, each with the options it takes and its help text. One definition per
 * command: the parser checks against it and {@code --help} prints it.
 */
enum Command {

    LIST("list [--topology <file>]",
            "Lists the dead-letter queues with their depth and the age of their oldest message: those of the\n"
            + "work queues in the topology file, or else every queue named *.dlq that the management API lists.",
            0, Set.of("--topology"), Set.of()),
    PEEK("peek <queue> [--limit N] [--body]",
            "Shows the first dead letters of <queue> (a work queue or its .dlq), oldest first, and leaves them\n"
            + "where they are: message id, reason, exception, attempts, failure class, fingerprint. --limit: how\n"
            + "many (default 10, at most 10000). --body: print each body as UTF-8 text too.",
            1, Set.of("--limit"), Set.of("--body")),
    GROUPS("groups <queue>",
            "Groups the dead letters of <queue> by fingerprint (exception type and top frames), largest first:\n"
            + "one group per bug.",
            1, Set.of(), Set.of()),
    REPLAY("replay <queue> [--message-id ID | --fingerprint F | --exception-type T] [--target Q] [--dry-run]\n"
            + "       [--max-per-second N] [--yes]",
            "Moves the selected dead letters back to their queue (or --target Q), attempt count reset. Prints\n"
            + "what it would move first, then asks; --yes does not ask, --dry-run stops after printing. Each copy\n"
            + "is confirmed by the broker before its dead letter is removed. Without a selection: all of them.",
            1, Set.of("--message-id", "--fingerprint", "--exception-type", "--target", "--max-per-second"),
            Set.of("--dry-run", "--yes")),
    DISCARD("discard <queue> --reason \"...\" [--message-id ID | --fingerprint F | --exception-type T]\n"
            + "        [--operator NAME] [--dry-run] [--yes]",
            "Moves the selected dead letters to the durable queue warren.discarded with the reason and who gave\n"
            + "it (--operator, default the user name of this process). Prints what it would move first, then\n"
            + "asks; --yes does not ask, --dry-run stops after printing. Without a selection: all of them.",
            1, Set.of("--reason", "--operator", "--message-id", "--fingerprint", "--exception-type"),
            Set.of("--dry-run", "--yes")),
    PERMISSIONS("permissions --topology <file> [--mode declare|passive] [--user NAME] [--vhost VHOST]",
            "Prints the configure, write and read permissions the topology needs, with the rabbitmqctl command\n"
            + "that grants them. The user and virtual host default to those of --uri. Needs no broker.",
            0, Set.of("--topology", "--mode", "--user", "--vhost"), Set.of()),
    DEFINITIONS("definitions --topology <file> [--vhost VHOST]",
            "Prints the topology as RabbitMQ definitions for another virtual host, for rabbitmqctl\n"
            + "import_definitions. The virtual host defaults to that of --uri. Needs no broker.",
            0, Set.of("--topology", "--vhost"), Set.of()),
    CHECK("check --topology <file>",
            "Compares the virtual host of --uri, through the management API, with the topology file: every\n"
            + "exchange, queue and binding present, with the type and arguments the file gives. Prints each\n"
            + "missing or conflicting object and exits with 1 when there is any.",
            0, Set.of("--topology"), Set.of());

    /** Options every command takes. */
    static final Set<String> CONNECTION_OPTIONS = Set.of("--uri", "--management-url");

    /** Flags every command takes. */
    static final Set<String> HELP_FLAGS = Set.of("--help", "-h");

    private final String synopsis;
    private final String description;
    private final int positionals;
    private final Set<String> options;
    private final Set<String> flags;

    Command(String synopsis, String description, int positionals, Set<String> options, Set<String> flags) {
        this.synopsis = synopsis;
        this.description = description;
        this.positionals = positionals;
        this.options = options;
        this.flags = flags;
    }

    /** The name operators type. */
    String commandName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** How many arguments that are not options it takes: 0, or 1 for the queue. */
    int positionals() {
        return positionals;
    }

    /** Whether it takes this option with a value. */
    boolean takesOption(String option) {
        return options.contains(option) || CONNECTION_OPTIONS.contains(option);
    }

    /** Whether it takes this option without a value. */
    boolean takesFlag(String flag) {
        return flags.contains(flag) || HELP_FLAGS.contains(flag);
    }

    /** One line: how to call it. */
    String usage() {
        return "warren " + synopsis;
    }

    /** Its {@code --help}. */
    String help() {
        return "Usage: " + usage() + "\n\n" + description + "\n\n" + CONNECTION_HELP;
    }

    /** The options it takes, for an error message. */
    List<String> optionNames() {
        return Stream.of(options, flags, CONNECTION_OPTIONS, HELP_FLAGS).flatMap(Set::stream)
                .filter(name -> name.startsWith("--")).sorted().toList();
    }

    static Optional<Command> named(String name) {
        for (Command command : values()) {
            if (command.commandName().equals(name)) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }

    /** The connection options, in every command's help. */
    static final String CONNECTION_HELP = """
            Connection:
              --uri amqp://user:password@host:5672/vhost   the broker (or WARREN_RABBITMQ_URI); amqps verifies the
                                                           certificate with the JVM's trust store; a path of / or
                                                           none is the virtual host /
              --management-url http://host:15672            the management API (or WARREN_MANAGEMENT_URL), without
                                                           credentials: those of --uri are used; default port 15672
                                                           of the broker's host
            The password is never printed.""";

    /** The tool's {@code --help}. */
    static String overview() {
        StringBuilder text = new StringBuilder("Usage: warren <command> [options]; warren <command> --help for one command\n\n");
        for (Command command : values()) {
            text.append("  ").append(command.usage().replace("\n", "\n  ")).append('\n');
        }
        text.append("\nExit codes: 0 ok, 1 problems found or refused, 2 usage error.\n\n").append(CONNECTION_HELP);
        return text.toString();
    }
}
