package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import dev.warren.annotation.QueueType;
import dev.warren.publish.Delay;
import dev.warren.topology.BindingSpec;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delayed delivery without broker plugins: {@value Delay#LEVELS} durable delay levels, level k a
 * topic exchange and a queue whose messages wait 2^k units (of {@value Delay#RESOLUTION_MILLIS}
 * ms) and then dead-letter to level k-1. A message's routing key spells its delay in binary, one
 * word per level from the highest: {@code 0.0.1.0.1}. Each level's exchange sends it into that
 * level's queue when its bit is 1 and straight on to the next level when it is 0; after level 0
 * it reaches {@code warren.delay.deliver}, which routes it into the classic queue
 * {@value #DUE_QUEUE}. Every message in a level waits as long as the others, so the queue expires
 * them in order and no delay holds back another.
 *
 * <p>Why the due queue, and not the destination straight from level 0: dead-lettering from a
 * classic queue has no confirms. At boot the delay queues pass on at once what fell due while the
 * broker was down, and a quorum destination that has not elected its leader yet drops it. Classic
 * queues all recover before any of them dead-letters (RabbitMQ's recovery barrier), so the hops
 * between levels and into the due queue hold; the last hop is the {@link DueForwarder}'s, which
 * publishes to the destination with confirms and acknowledges only then. The destination travels
 * in two headers, {@code x-warren-delay-exchange} and {@code x-warren-delay-routing-key}.
 */
public final class DelayedDelivery {

    /** The start of every delay level's name. */
    public static final String PREFIX = "warren.delay.";
    /** The highest level's exchange: where delayed messages are published. */
    public static final String ENTRY = exchange(Delay.LEVELS - 1);
    /** Where messages wait, once due, for a Warren engine to publish them to their destination. */
    public static final String DUE_QUEUE = "warren.delay.due";
    /** Due messages that cannot be delivered (no such queue, no destination header), each with its reason. */
    public static final String DUE_DEAD_LETTER_QUEUE = QueueSpec.deadLetterQueueName(DUE_QUEUE);
    static final String DELIVER = PREFIX + "deliver";

    private static final Topology TOPOLOGY = buildTopology();

    private final TopologyDeclarer declarer;
    private final Set<String> checkedQueues = ConcurrentHashMap.newKeySet();
    private volatile boolean declared;

    DelayedDelivery(TopologyDeclarer declarer) {
        this.declarer = declarer;
    }

    static String exchange(int level) {
        return PREFIX + level;
    }

    static String queue(int level) {
        return PREFIX + level;
    }

    /** The routing key that carries a message through the levels: its delay in units, one bit per level. */
    static String routingKey(Duration delay) {
        long units = Math.round((double) delay.toMillis() / Delay.RESOLUTION_MILLIS);
        StringBuilder key = new StringBuilder(Delay.LEVELS * 2);
        for (int level = Delay.LEVELS - 1; level >= 0; level--) {
            key.append((units >> level & 1) == 1 ? '1' : '0');
            if (level > 0) {
                key.append('.');
            }
        }
        return key.toString();
    }

    /**
     * Declares the levels unless the engine did at start, and checks once per queue that a delayed
     * send's queue exists, as an immediate send would find out from its confirm.
     *
     * @return {@code false} when {@code destination} is a queue the broker does not have
     */
    boolean prepare(String destination, boolean topic) {
        // In passive topology mode the levels were checked at start-up, not declared.
        if (!declared && declarer.mode() != dev.warren.topology.TopologyMode.PASSIVE) {
            declarer.declare(TOPOLOGY);
            declared = true;
        }
        if (topic || checkedQueues.contains(destination)) {
            return true;
        }
        if (!declarer.queueExists(destination)) {
            return false;
        }
        checkedQueues.add(destination);
        return true;
    }

    /** Records that the levels were declared with the engine's topology. */
    void declared() {
        declared = true;
    }

    /** Forgets what was declared and checked, after a failure that may mean the broker lost it. */
    void forget() {
        declared = false;
        checkedQueues.clear();
    }

    /** The levels, the due queue and its dead-letter queue; shared by every Warren application on the virtual host. */
    public static Topology topology() {
        return TOPOLOGY;
    }

    private static Topology buildTopology() {
        List<ExchangeSpec> exchanges = new ArrayList<>();
        List<QueueSpec> queues = new ArrayList<>();
        List<BindingSpec> bindings = new ArrayList<>();
        exchanges.add(ExchangeSpec.topic(DELIVER));
        for (int level = Delay.LEVELS - 1; level >= 0; level--) {
            String next = level == 0 ? DELIVER : exchange(level - 1);
            exchanges.add(ExchangeSpec.topic(exchange(level)));
            queues.add(new QueueSpec(queue(level), QueueType.CLASSIC, Map.of(
                    "x-queue-type", "classic",
                    "x-message-ttl", Delay.RESOLUTION_MILLIS << level,
                    "x-dead-letter-exchange", next)));
            String position = "*.".repeat(Delay.LEVELS - 1 - level);
            bindings.add(new BindingSpec(exchange(level), queue(level), position + "1.#"));
            bindings.add(BindingSpec.exchangeToExchange(exchange(level), next, position + "0.#"));
        }
        queues.add(new QueueSpec(DUE_QUEUE, QueueType.CLASSIC, Map.of("x-queue-type", "classic")));
        queues.add(new QueueSpec(DUE_DEAD_LETTER_QUEUE, QueueType.CLASSIC, Map.of("x-queue-type", "classic")));
        // Exactly one word per level: a key of another form is not a delayed message of this scheme.
        bindings.add(new BindingSpec(DELIVER, DUE_QUEUE, String.join(".", java.util.Collections.nCopies(Delay.LEVELS, "*"))));
        return new Topology(exchanges, queues, bindings);
    }
}
