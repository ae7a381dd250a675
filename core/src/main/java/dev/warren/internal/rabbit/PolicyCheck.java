package dev.warren.internal.rabbit;

import dev.warren.WarrenException;
import dev.warren.topology.ManagementApi;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares the broker's policies with what Warren's queues need, through the management API.
 * Policies are matched here rather than read from each queue, because the broker reports a
 * queue's effective policy only after its next statistics round.
 */
public final class PolicyCheck {

    /** What the check found: problems that break a guarantee, and warnings. */
    public record Findings(List<String> problems, List<String> warnings) {
    }

    private record Policy(String name, Pattern pattern, String applyTo, int priority, JsonNode definition, boolean operator) {

        boolean appliesTo(QueueSpec queue) {
            boolean kind = switch (applyTo) {
                case "all", "queues" -> true;
                case "classic_queues" -> queue.type() == dev.warren.annotation.QueueType.CLASSIC;
                case "quorum_queues" -> queue.type() == dev.warren.annotation.QueueType.QUORUM;
                default -> false;
            };
            return kind && pattern.matcher(queue.name()).find();
        }

        String describe() {
            return (operator ? "operator policy '" : "policy '") + name + "'";
        }
    }

    private final ManagementClient client;

    public PolicyCheck(ManagementApi api, JsonMapper mapper) {
        this.client = new ManagementClient(api, mapper);
    }

    /**
     * Checks the queues of a topology.
     *
     * @param topology the queues
     * @param retryBudgets the max attempts of each work queue's handler
     * @throws WarrenException when the management API cannot be read
     */
    public Findings check(Topology topology, Map<String, Integer> retryBudgets) {
        List<Policy> policies = new ArrayList<>(read("policies", false));
        policies.addAll(read("operator-policies", true));
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (QueueSpec queue : topology.queues()) {
            for (Policy policy : effective(policies, queue)) {
                check(queue, policy, retryBudgets, problems, warnings);
            }
        }
        return new Findings(problems, warnings);
    }

    private static void check(QueueSpec queue, Policy policy, Map<String, Integer> retryBudgets, List<String> problems,
            List<String> warnings) {
        JsonNode definition = policy.definition();
        String where = policy.describe() + " applies to queue '" + queue.name() + "'";
        Integer budget = retryBudgets.get(queue.name());
        if (budget != null && definition.has("delivery-limit") && definition.get("delivery-limit").asInt() < budget) {
            problems.add(where + " with delivery-limit " + definition.get("delivery-limit").asInt()
                    + ", below the handler's " + budget + " attempts: the broker would dead-letter messages Warren still "
                    + "means to process. Raise the policy's delivery-limit to at least " + budget
                    + " or exclude the queue from its pattern");
        }
        boolean delayQueue = queue.arguments().containsKey("x-message-ttl");
        boolean deadLetterQueue = queue.name().endsWith(".dlq") && !queue.arguments().containsKey("x-dead-letter-exchange");
        if (definition.has("message-ttl")) {
            long ttl = definition.get("message-ttl").asLong();
            if (deadLetterQueue) {
                problems.add(where + " with message-ttl " + ttl + " ms: dead letters would be deleted before anyone "
                        + "looks at them. Exclude dead-letter queues (.dlq) from the policy");
            } else if (delayQueue) {
                long delay = ((Number) queue.arguments().get("x-message-ttl")).longValue();
                if (ttl < delay) {
                    warnings.add(where + " with message-ttl " + ttl + " ms: retries come back after " + ttl
                            + " ms instead of " + delay + " ms");
                }
            } else {
                warnings.add(where + " with message-ttl " + ttl + " ms: messages waiting longer are dead-lettered as "
                        + "expired without reaching the handler");
            }
        }
        if (definition.has("expires")) {
            warnings.add(where + " with expires " + definition.get("expires").asLong() + " ms: the broker deletes the "
                    + "queue when it goes unused that long, with its messages");
        }
        if ((definition.has("max-length") || definition.has("max-length-bytes")) && deadLetterQueue) {
            warnings.add(where + " with a length limit: dead letters beyond it are dropped");
        }
        if (QueueSpec.AT_LEAST_ONCE.equals(queue.arguments().get(QueueSpec.DEAD_LETTER_STRATEGY))) {
            checkAtLeastOnce(queue, definition, where, problems, warnings);
        }
    }

    /**
     * A queue that dead-letters at least once. On a quorum queue a policy's overflow and
     * dead-letter-strategy win over the queue's arguments (RabbitMQ 3.10 to 4.x), and either set
     * otherwise makes the broker dead-letter at most once.
     */
    private static void checkAtLeastOnce(QueueSpec queue, JsonNode definition, String where, List<String> problems,
            List<String> warnings) {
        String strategy = definition.path("dead-letter-strategy").asString(QueueSpec.AT_LEAST_ONCE);
        String overflow = definition.path("overflow").asString(QueueSpec.REJECT_PUBLISH);
        if (!QueueSpec.AT_LEAST_ONCE.equals(strategy) || !QueueSpec.REJECT_PUBLISH.equals(overflow)) {
            problems.add(where + " with " + (QueueSpec.AT_LEAST_ONCE.equals(strategy) ? "overflow " + overflow
                    : "dead-letter-strategy " + strategy) + ": the broker would dead-letter at most once and could lose a "
                    + "message on the way to its dead-letter queue. Remove it from the policy, or set dead-letter-strategy "
                    + QueueSpec.AT_LEAST_ONCE + " and overflow " + QueueSpec.REJECT_PUBLISH);
        } else if (definition.has("max-length") || definition.has("max-length-bytes")) {
            warnings.add(where + " with a length limit: at-least-once dead-lettering needs overflow " + QueueSpec.REJECT_PUBLISH
                    + ", so once the queue is full the broker refuses publishes to it (a send fails as NACKED) and "
                    + "retries wait in their delay queue until there is room");
        }
    }

    /** The highest-priority user policy and operator policy that match, as the broker chooses them. */
    private static List<Policy> effective(List<Policy> policies, QueueSpec queue) {
        List<Policy> effective = new ArrayList<>();
        for (boolean operator : new boolean[] {false, true}) {
            policies.stream().filter(p -> p.operator() == operator && p.appliesTo(queue))
                    .max(java.util.Comparator.comparingInt(Policy::priority)).ifPresent(effective::add);
        }
        return effective;
    }

    private List<Policy> read(String kind, boolean operator) {
        List<Policy> policies = new ArrayList<>();
        for (JsonNode node : client.get("/api/" + kind + "/" + client.virtualHostPath())) {
            Policy policy = parse(node, operator);
            if (policy != null) {
                policies.add(policy);
            }
        }
        return policies;
    }

    private static @Nullable Policy parse(JsonNode node, boolean operator) {
        try {
            return new Policy(node.path("name").asString(), Pattern.compile(node.path("pattern").asString()),
                    node.path("apply-to").asString("all"), node.path("priority").asInt(0), node.path("definition"), operator);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }
}
