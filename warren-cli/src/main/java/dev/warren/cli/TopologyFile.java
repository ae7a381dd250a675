package dev.warren.cli;

import dev.warren.WarrenException;
import dev.warren.annotation.QueueType;
import dev.warren.topology.BindingSpec;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an application's topology back from the RabbitMQ definitions it exported
 * ({@code GET /actuator/warren/topology/definitions}, {@code Topology.toDefinitions(vhost)}), or
 * from a broker's {@code rabbitmqctl export_definitions}: its queues, exchanges and bindings; the
 * rest (users, policies, virtual hosts) is ignored.
 */
final class TopologyFile {

    private static final String HOW_TO_EXPORT = "export it with GET /actuator/warren/topology/definitions or "
            + "WarrenEngine.fullTopology().toDefinitions(vhost)";

    private TopologyFile() {
    }

    /**
     * @param file the definitions JSON
     * @param mapper the mapper
     * @return the topology it describes
     * @throws UsageException when the file cannot be read or is not definitions
     */
    static Topology read(Path file, JsonMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new UsageException("--topology " + file + " does not exist; " + HOW_TO_EXPORT);
        } catch (IOException e) {
            throw new UsageException("--topology " + file + " cannot be read: " + e.getMessage());
        } catch (JacksonException e) {
            throw new UsageException("--topology " + file + " is not JSON (" + e.getOriginalMessage() + "); " + HOW_TO_EXPORT);
        }
        if (root == null || !root.isObject() || !(root.has("queues") || root.has("exchanges"))) {
            throw new UsageException("--topology " + file + " holds no \"queues\" or \"exchanges\": it is not RabbitMQ "
                    + "definitions; " + HOW_TO_EXPORT);
        }
        try {
            return topology(root, mapper);
        } catch (IllegalArgumentException | WarrenException e) {
            throw new UsageException("--topology " + file + ": " + e.getMessage());
        }
    }

    static Topology topology(JsonNode root, JsonMapper mapper) {
        List<ExchangeSpec> exchanges = new ArrayList<>();
        for (JsonNode exchange : root.path("exchanges")) {
            String name = exchange.path("name").asString("");
            if (!name.isEmpty() && !name.startsWith("amq.")) { // the broker's own exchanges are always there
                exchanges.add(new ExchangeSpec(name, exchange.path("type").asString("direct")));
            }
        }
        List<QueueSpec> queues = new ArrayList<>();
        for (JsonNode queue : root.path("queues")) {
            String name = queue.path("name").asString("");
            Map<String, Object> arguments = arguments(queue.path("arguments"), mapper);
            queues.add(new QueueSpec(name, queueType(name, arguments.get("x-queue-type")), arguments));
        }
        List<BindingSpec> bindings = new ArrayList<>();
        for (JsonNode binding : root.path("bindings")) {
            String source = binding.path("source").asString("");
            if (source.isEmpty()) {
                continue; // the default exchange's bindings exist with every queue
            }
            bindings.add(new BindingSpec(source, binding.path("destination").asString(""),
                    binding.path("routing_key").asString(""), "exchange".equals(binding.path("destination_type").asString("queue"))));
        }
        return new Topology(exchanges, queues, bindings);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arguments(JsonNode arguments, JsonMapper mapper) {
        if (arguments.isMissingNode() || arguments.isNull()) {
            return Map.of();
        }
        return new LinkedHashMap<>(mapper.convertValue(arguments, Map.class));
    }

    private static QueueType queueType(String queue, Object type) {
        String name = type == null ? "classic" : type.toString().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "quorum" -> QueueType.QUORUM;
            case "classic" -> QueueType.CLASSIC;
            default -> throw new IllegalArgumentException("queue '" + queue + "' has x-queue-type " + name
                    + ", which Warren does not declare; only quorum and classic queues can be checked");
        };
    }
}
