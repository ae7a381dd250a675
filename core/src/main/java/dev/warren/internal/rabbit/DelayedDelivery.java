package dev.warren.internal.rabbit;

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
 * word per level from the highest, then its destination: {@code 0.0.1.0.1.<queue>}. Each level's
 * exchange sends it into that level's queue when its bit is 1 and straight on to the next level
 * when it is 0; after level 0 it reaches {@code warren.delay.deliver}, which routes on the
 * destination words to the queue (or topic exchange). Every message in a level waits as long as
 * the others, so the queue expires them in order and no delay holds back another.
 */
public final class DelayedDelivery {

    /** The start of every delay level's name. */
    public static final String PREFIX = "warren.delay.";
    /** The highest level's exchange: where delayed messages are published. */
    public static final String ENTRY = exchange(Delay.LEVELS - 1);
    static final String DELIVER = PREFIX + "deliver";

    private final TopologyDeclarer declarer;
    private final Set<String> declaredDestinations = ConcurrentHashMap.newKeySet();
    private volatile boolean levelsDeclared;

    DelayedDelivery(TopologyDeclarer declarer) {
        this.declarer = declarer;
    }

    static String exchange(int level) {
        return PREFIX + level;
    }

    static String queue(int level) {
        return PREFIX + level;
    }

    /** The routing key that carries a message through the levels to its destination. */
    static String routingKey(Duration delay, String destination) {
        long units = Math.round((double) delay.toMillis() / Delay.RESOLUTION_MILLIS);
        StringBuilder key = new StringBuilder(Delay.LEVELS * 2 + destination.length());
        for (int level = Delay.LEVELS - 1; level >= 0; level--) {
            key.append((units >> level & 1) == 1 ? '1' : '0').append('.');
        }
        return key.append(destination).toString();
    }

    /** The levels, declared once per publisher, and the route out to {@code destination}. */
    void prepare(String destination, boolean topic) {
        if (declarer.mode() == dev.warren.topology.TopologyMode.PASSIVE) {
            // The levels and routes of the application's own queues and topics were checked at start-up.
            return;
        }
        if (!levelsDeclared) {
            declarer.declare(levels());
            levelsDeclared = true;
        }
        if (declaredDestinations.add((topic ? "topic:" : "queue:") + destination)) {
            declarer.declare(new Topology(List.of(), List.of(), List.of(route(destination, topic))));
        }
    }

    /**
     * The binding that takes delayed messages out of the levels to a destination.
     *
     * @param destination a queue, or a topic's exchange
     * @param topic whether it is a topic
     */
    public static BindingSpec route(String destination, boolean topic) {
        String pattern = "*.".repeat(Delay.LEVELS) + destination;
        return topic ? BindingSpec.exchangeToExchange(DELIVER, destination, pattern) : new BindingSpec(DELIVER, destination, pattern);
    }

    /** Forgets what was declared, after a reconnect to a broker that may have lost it. */
    void forget() {
        levelsDeclared = false;
        declaredDestinations.clear();
    }

    /** The exchanges, queues and bindings of the levels, shared by every application in the virtual host. */
    public static Topology levels() {
        List<ExchangeSpec> exchanges = new ArrayList<>();
        List<QueueSpec> queues = new ArrayList<>();
        List<BindingSpec> bindings = new ArrayList<>();
        exchanges.add(ExchangeSpec.topic(DELIVER));
        for (int level = Delay.LEVELS - 1; level >= 0; level--) {
            String next = level == 0 ? DELIVER : exchange(level - 1);
            exchanges.add(ExchangeSpec.topic(exchange(level)));
            queues.add(new QueueSpec(queue(level), dev.warren.annotation.QueueType.CLASSIC, Map.of(
                    "x-queue-type", "classic",
                    "x-message-ttl", Delay.RESOLUTION_MILLIS << level,
                    "x-dead-letter-exchange", next)));
            String position = "*.".repeat(Delay.LEVELS - 1 - level);
            bindings.add(new BindingSpec(exchange(level), queue(level), position + "1.#"));
            bindings.add(BindingSpec.exchangeToExchange(exchange(level), next, position + "0.#"));
        }
        return new Topology(exchanges, queues, bindings);
    }
}
