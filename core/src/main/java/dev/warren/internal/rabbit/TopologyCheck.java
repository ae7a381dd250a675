package dev.warren.internal.rabbit;

import dev.warren.WarrenException;
import dev.warren.topology.BindingSpec;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.ManagementApi;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import dev.warren.topology.TopologyMismatchException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares the broker's exchanges, queues and bindings with a {@link Topology}, through the
 * management API, for passive topology mode: a passive AMQP declaration says whether a queue
 * exists, but not with which arguments. Called on the thread that starts the engine.
 */
public final class TopologyCheck {

    private final ManagementClient client;
    private final String virtualHost;

    public TopologyCheck(ManagementApi api, JsonMapper mapper) {
        this.client = new ManagementClient(api, mapper);
        this.virtualHost = api.virtualHost();
    }

    /**
     * Checks everything at once.
     *
     * @throws TopologyMismatchException listing every difference
     * @throws WarrenException when the management API cannot be read
     */
    public void require(Topology topology) {
        List<String> differences = differences(topology);
        if (!differences.isEmpty()) {
            throw new TopologyMismatchException(virtualHost, differences);
        }
    }

    /** Every object of the topology that is missing or differs, one sentence each. */
    public List<String> differences(Topology topology) {
        // Concatenated, not formatted: the default virtual host is %2F in the path, which String.format reads as a conversion.
        String vhost = "/" + client.virtualHostPath();
        Map<String, JsonNode> exchanges = byName(client.get("/api/exchanges" + vhost));
        Map<String, JsonNode> queues = byName(client.get("/api/queues" + vhost));
        Set<String> bindings = new HashSet<>();
        for (JsonNode binding : client.get("/api/bindings" + vhost)) {
            bindings.add(key(binding.path("source").asString(), binding.path("destination").asString(),
                    binding.path("destination_type").asString(), binding.path("routing_key").asString()));
        }
        List<String> differences = new ArrayList<>();
        for (ExchangeSpec exchange : topology.exchanges()) {
            JsonNode found = exchanges.get(exchange.name());
            if (found == null) {
                differences.add("missing exchange '" + exchange.name() + "' (durable, type " + exchange.type() + ")");
                continue;
            }
            if (!exchange.type().equals(found.path("type").asString())) {
                differences.add("exchange '" + exchange.name() + "' has type " + found.path("type").asString()
                        + " but Warren needs " + exchange.type());
            }
            if (!found.path("durable").asBoolean(false)) {
                differences.add("exchange '" + exchange.name() + "' is not durable but Warren needs a durable exchange");
            }
        }
        for (QueueSpec queue : topology.queues()) {
            JsonNode found = queues.get(queue.name());
            if (found == null) {
                differences.add("missing queue '" + queue.name() + "' (durable, " + queue.type().name().toLowerCase(Locale.ROOT)
                        + ", arguments " + new java.util.TreeMap<>(queue.arguments()) + ")");
                continue;
            }
            compare(queue, found, differences);
        }
        for (BindingSpec binding : topology.bindings()) {
            String type = binding.toExchange() ? "exchange" : "queue";
            if (!bindings.contains(key(binding.exchange(), binding.queue(), type, binding.routingKey()))) {
                differences.add("missing binding from exchange '" + binding.exchange() + "' to " + type + " '"
                        + binding.queue() + "' with routing key '" + binding.routingKey() + "'");
            }
        }
        return differences;
    }

    private static void compare(QueueSpec queue, JsonNode found, List<String> differences) {
        String name = "queue '" + queue.name() + "'";
        String wantedType = queue.type().name().toLowerCase(Locale.ROOT);
        String type = found.path("type").asString("classic");
        if (!wantedType.equals(type)) {
            differences.add(name + " has x-queue-type " + type + " but Warren needs " + wantedType);
        }
        if (!found.path("durable").asBoolean(false)) {
            differences.add(name + " is not durable but Warren needs a durable queue");
        }
        JsonNode arguments = found.path("arguments");
        JsonNode policy = found.path("effective_policy_definition");
        for (Map.Entry<String, Object> wanted : queue.arguments().entrySet()) {
            if (wanted.getKey().equals("x-queue-type")) {
                continue;
            }
            JsonNode actual = arguments.get(wanted.getKey());
            if (actual == null || actual.isNull()) {
                // A policy may set what an argument would, e.g. dead-letter-exchange for x-dead-letter-exchange.
                actual = policy.get(wanted.getKey().substring(2));
            }
            if (actual == null || actual.isNull()) {
                differences.add(name + " lacks argument " + wanted.getKey() + " = " + show(wanted.getValue()));
            } else if (!same(wanted.getValue(), actual)) {
                differences.add(name + " has argument " + wanted.getKey() + " = " + show(actual) + " but Warren needs "
                        + show(wanted.getValue()));
            }
        }
    }

    private static boolean same(Object wanted, JsonNode actual) {
        if (wanted instanceof Number number) {
            return actual.isNumber() && actual.asLong() == number.longValue();
        }
        return actual.isString() && Objects.equals(actual.asString(), String.valueOf(wanted));
    }

    private static String show(Object value) {
        if (value instanceof JsonNode node) {
            return node.isString() ? "'" + node.asString() + "'" : node.toString();
        }
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }

    private static Map<String, JsonNode> byName(JsonNode list) {
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode node : list) {
            byName.put(node.path("name").asString(), node);
        }
        return byName;
    }

    private static String key(String source, String destination, String type, String routingKey) {
        return source + '\u0000' + destination + '\u0000' + type + '\u0000' + routingKey;
    }
}
