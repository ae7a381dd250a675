package dev.warren.topology;

import dev.warren.internal.rabbit.DelayedDelivery;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The RabbitMQ permissions Warren needs in its virtual host: three regular expressions of the
 * queue and exchange names it may configure, write to and read from, exactly the names of its
 * {@link Topology} and nothing else. RabbitMQ calls the default exchange {@value #DEFAULT_EXCHANGE}
 * here. Immutable and thread-safe.
 *
 * <p>With {@link TopologyMode#DECLARE}: configure every exchange and queue (to declare them); write
 * to the default exchange, {@code warren.dlx}, the topic exchanges and the delay levels (to
 * publish, retry and dead-letter) and to every queue or exchange a binding leads to; read every
 * queue (to consume and, for queues that dead-letter, to declare them) and every exchange a binding
 * starts from. With {@link TopologyMode#PASSIVE}: configure nothing; write where Warren publishes;
 * read the work queues and their dead-letter queues.
 *
 * <pre>{@code
 * Permissions permissions = Permissions.of(engine.topology(), TopologyMode.DECLARE);
 * System.out.println(permissions.rabbitmqctlCommand("orders-app", "/"));
 * // rabbitmqctl set_permissions -p '/' 'orders-app' '^(orders(\.dlq|\.retry\.(1s|2s))?|warren\.dlx)$' ...
 * }</pre>
 *
 * @param configure the regular expression of names Warren declares
 * @param write the regular expression of names Warren publishes to or binds to
 * @param read the regular expression of names Warren consumes from or binds from
 * @since 0.1
 */
public record Permissions(String configure, String write, String read) {

    /** The name of the default exchange in permission checks. */
    public static final String DEFAULT_EXCHANGE = "amq.default";

    /** The expression that matches no name. */
    public static final String NOTHING = "^$";

    /**
     * Validates the record.
     */
    public Permissions {
        Objects.requireNonNull(configure, "configure");
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(read, "read");
    }

    /**
     * The permissions a topology needs.
     *
     * @param topology everything Warren declares or expects, as {@code WarrenEngine.fullTopology()} has it
     * @param mode whether Warren declares the topology or only checks it
     * @return the three expressions
     */
    public static Permissions of(Topology topology, TopologyMode mode) {
        TreeSet<String> configure = new TreeSet<>();
        TreeSet<String> write = new TreeSet<>();
        TreeSet<String> read = new TreeSet<>();
        write.add(DEFAULT_EXCHANGE);
        for (ExchangeSpec exchange : topology.exchanges()) {
            if (mode == TopologyMode.DECLARE || publishedTo(exchange.name())) {
                write.add(exchange.name());
            }
        }
        for (QueueSpec queue : topology.queues()) {
            Object deadLetterExchange = queue.arguments().get("x-dead-letter-exchange");
            boolean workQueue = Topology.DEAD_LETTER_EXCHANGE.equals(deadLetterExchange);
            if (workQueue) {
                read.add(queue.name());
                read.add(QueueSpec.deadLetterQueueName(queue.name()));
            }
            if (queue.name().equals(DelayedDelivery.DUE_QUEUE)) {
                read.add(queue.name()); // every engine forwards the due delayed messages from it
            }
            if (mode == TopologyMode.DECLARE && deadLetterExchange instanceof String target) {
                // The broker checks these when it creates a queue that dead-letters.
                read.add(queue.name());
                write.add(target.isEmpty() ? DEFAULT_EXCHANGE : target);
            }
        }
        if (mode == TopologyMode.DECLARE) {
            topology.exchanges().forEach(exchange -> configure.add(exchange.name()));
            topology.queues().forEach(queue -> configure.add(queue.name()));
            for (BindingSpec binding : topology.bindings()) {
                write.add(binding.queue());
                read.add(binding.exchange());
            }
        }
        return new Permissions(regex(configure), regex(write), regex(read));
    }

    /** The delay levels are passed through by the broker; Warren publishes only into the highest. */
    private static boolean publishedTo(String exchange) {
        return !exchange.startsWith(DelayedDelivery.PREFIX) || exchange.equals(DelayedDelivery.ENTRY);
    }

    /**
     * The command that grants these permissions.
     *
     * @param user the broker user Warren connects as
     * @param virtualHost the virtual host of Warren's queues
     * @return {@code rabbitmqctl set_permissions -p '<vhost>' '<user>' '<configure>' '<write>' '<read>'}
     */
    public String rabbitmqctlCommand(String user, String virtualHost) {
        return "rabbitmqctl set_permissions -p " + quote(virtualHost) + " " + quote(user) + " " + quote(configure) + " "
                + quote(write) + " " + quote(read);
    }

    /**
     * Whether a permission allows a name, as RabbitMQ matches it (the expression may match any part
     * of the name; an empty expression matches nothing).
     *
     * @param expression one of the three expressions
     * @param name a queue or exchange name
     * @return whether access would be granted
     */
    public static boolean allows(String expression, String name) {
        return !expression.isEmpty() && java.util.regex.Pattern.compile(expression).matcher(name).find();
    }

    /**
     * An anchored expression that matches exactly the given names. Names that share dotted
     * segments share a group, so {@code orders}, {@code orders.dlq} and {@code orders.retry.1s}
     * become {@code ^orders(\.dlq|\.retry\.1s)?$}.
     *
     * @param names the names
     * @return the expression, {@value #NOTHING} for no names
     */
    public static String regex(Collection<String> names) {
        if (names.isEmpty()) {
            return NOTHING;
        }
        Node root = new Node();
        for (String name : names) {
            Node node = root;
            for (String segment : name.split("\\.", -1)) {
                node = node.children.computeIfAbsent(segment, s -> new Node());
            }
            node.terminal = true;
        }
        return "^" + group(alternatives(root)) + "$";
    }

    private static final class Node {
        private final Map<String, Node> children = new TreeMap<>();
        private boolean terminal;
    }

    private static List<String> alternatives(Node node) {
        return node.children.entrySet().stream().map(child -> {
            String text = escape(child.getKey());
            Node next = child.getValue();
            if (next.children.isEmpty()) {
                return text;
            }
            List<String> rest = alternatives(next);
            if (next.terminal) {
                return text + "(" + rest.stream().map(r -> "\\." + r).reduce((a, b) -> a + "|" + b).orElseThrow() + ")?";
            }
            return text + "\\." + group(rest);
        }).toList();
    }

    private static String group(List<String> alternatives) {
        if (alternatives.size() == 1) {
            return alternatives.get(0);
        }
        return "(" + String.join("|", alternatives) + ")";
    }

    private static String escape(String segment) {
        StringBuilder escaped = new StringBuilder(segment.length());
        for (char c : segment.toCharArray()) {
            if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
