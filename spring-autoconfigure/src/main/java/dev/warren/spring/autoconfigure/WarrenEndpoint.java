package dev.warren.spring.autoconfigure;

import dev.warren.internal.WarrenHeaders;
import dev.warren.internal.deadletter.FailureReasons;
import dev.warren.WarrenEngine;
import dev.warren.WarrenOperations;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.DeadLetters;
import dev.warren.deadletter.FailureGroup;
import dev.warren.deadletter.OperationResult;
import dev.warren.deadletter.ReplayOptions;
import dev.warren.deadletter.Selection;
import dev.warren.deadletter.UnknownDeadLetterQueueException;
import dev.warren.topology.Permissions;
import dev.warren.monitor.AlertSource;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code warren} Actuator endpoint: the dead-letter queues, their messages and failure groups,
 * and replay and discard. Like every Actuator endpoint it is exposed over HTTP only when the
 * application lists it ({@code management.endpoints.web.exposure.include=warren}), and then behind
 * the application's security.
 *
 * <ul>
 *   <li>{@code GET /actuator/warren}: the alerts raised (queues and outbox), the dead-letter queues
 *       with depth and oldest age, the circuit breakers and the consumers' counters.</li>
 *   <li>{@code GET /actuator/warren/{queue}?offset=0&limit=5}: a page of a queue's dead letters
 *       (left in place), with the offset of the next page, and its failure groups.</li>
 *   <li>{@code POST /actuator/warren/{queue}/replay} with an optional JSON body {@code messageId},
 *       {@code fingerprint}, {@code exceptionType}, {@code failedBefore}, {@code failedAfter},
 *       {@code dryRun}, {@code targetQueue}, {@code maxPerSecond}.</li>
 *   <li>{@code POST /actuator/warren/{queue}/discard} with {@code reason} (required) and the same
 *       selection fields; the authenticated user is recorded as who discarded.</li>
 *   <li>{@code GET /actuator/warren/topology/permissions}: the configure, write and read permissions
 *       Warren's broker user needs, and the {@code rabbitmqctl} command that grants them
 *       (RabbitMQ only).</li>
 *   <li>{@code GET /actuator/warren/topology/definitions}: everything Warren needs on the broker as
 *       RabbitMQ definitions, for {@code rabbitmqctl import_definitions} (RabbitMQ only).</li>
 *   <li>{@code GET /actuator/warren/asyncapi}: the AsyncAPI 3.0 document of the handlers, as
 *       {@link WarrenEngine#asyncApi()} (RabbitMQ only). The path shares its place with
 *       {@code /actuator/warren/{queue}}: should a handler's queue be named {@code asyncapi}, that
 *       path shows the queue's dead letters, which an operator must always reach, and the document
 *       is at {@code GET /actuator/warren/topology/asyncapi}, which always serves it.</li>
 * </ul>
 *
 * <p>Operator access: replay and discard need an authenticated user with the operator role
 * ({@code warren.operator.role}, {@value #DEFAULT_OPERATOR_ROLE} by default): without a user they
 * answer 401, without the role 403. Dead letters are shown to everyone the application lets in, but
 * their bodies, headers and stack traces, which may hold personal or secret data, only to operators;
 * others see the metadata (message id, reason with its quoted values taken out, failure class,
 * attempts, size, times) and
 * {@code "body": "hidden"}. An application without Spring Security has no users: it gets read-only
 * metadata unless {@code warren.operator.allow-anonymous=true}, which is for an endpoint that only
 * trusted people can reach.
 *
 * @since 0.1
 */
@Endpoint(id = "warren")
public class WarrenEndpoint {

    /** The role an operator needs unless {@code warren.operator.role} names another. */
    public static final String DEFAULT_OPERATOR_ROLE = "WARREN_OPERATOR";

    /** What a user without the operator role sees in place of a body, headers or a stack trace. */
    public static final String HIDDEN = "hidden";

    /** The path of the AsyncAPI document, below the endpoint and below {@code topology}. */
    public static final String ASYNCAPI = "asyncapi";

    /** Reads the engine's AsyncAPI document back into maps; thread-safe and never reconfigured. */
    private static final JsonMapper JSON = new JsonMapper();

    private static final int STATUS_UNAUTHORIZED = 401;

    private static final int STATUS_FORBIDDEN = 403;

    private final WarrenOperations engine;
    private final @Nullable ConnectionFactory rabbit;
    private final java.util.function.Supplier<java.util.List<AlertSource>> alertSources;
    private final String operatorRole;
    private final boolean allowAnonymous;

    /**
     * Creates the endpoint with the default operator role and no anonymous operators.
     *
     * @param engine the engine whose dead letters it operates on, on RabbitMQ or JMS
     */
    public WarrenEndpoint(WarrenOperations engine) {
        this(engine, DEFAULT_OPERATOR_ROLE, false);
    }

    /**
     * Creates the endpoint.
     *
     * @param engine the engine whose dead letters it operates on, on RabbitMQ or JMS
     * @param operatorRole the role that may replay, discard and see bodies, without the {@code ROLE_} prefix
     * @param allowAnonymous whether a caller without an authenticated user counts as an operator
     */
    public WarrenEndpoint(WarrenOperations engine, String operatorRole, boolean allowAnonymous) {
        this(engine, null, java.util.List::of, operatorRole, allowAnonymous);
    }

    /**
     * Creates the endpoint of an engine, with its topology and permissions on RabbitMQ and the
     * alerts of other parts besides the engine's queues.
     *
     * @param engine the engine whose dead letters it operates on, on RabbitMQ or JMS
     * @param rabbit the connection factory a RabbitMQ engine runs on, for the user and virtual host;
     *     {@code null} on JMS
     * @param alertSources the other parts that raise alerts, such as the outbox, looked up at each call
     * @param operatorRole the role that may replay and discard and see bodies, without {@code ROLE_}
     * @param allowAnonymous whether callers without a user count as operators
     */
    public WarrenEndpoint(WarrenOperations engine, @Nullable ConnectionFactory rabbit,
            java.util.function.Supplier<java.util.List<AlertSource>> alertSources, String operatorRole,
            boolean allowAnonymous) {
        if (operatorRole == null || operatorRole.isBlank()) {
            throw new IllegalArgumentException("warren.operator.role must name a role but was '" + operatorRole
                    + "'; the default is " + DEFAULT_OPERATOR_ROLE);
        }
        this.engine = engine;
        this.rabbit = rabbit;
        this.alertSources = alertSources;
        this.operatorRole = operatorRole.startsWith("ROLE_") ? operatorRole.substring("ROLE_".length()) : operatorRole;
        this.allowAnonymous = allowAnonymous;
    }

    /**
     * What Warren needs on the broker, for whoever owns it.
     *
     * @param section {@code topology}
     * @param view {@code permissions}, {@code definitions} or {@code asyncapi}
     * @return the permissions with the command that grants them, the definitions to import, or the
     *     AsyncAPI document; {@code null} (not found) on JMS or for another path
     */
    @ReadOperation
    public @Nullable Map<String, Object> topology(@Selector String section, @Selector String view) {
        if (!section.equals("topology") || !(engine instanceof WarrenEngine rabbitEngine)) {
            return null;
        }
        if (view.equals(ASYNCAPI)) {
            return asyncApi(rabbitEngine);
        }
        if (rabbit == null) {
            return null;
        }
        return switch (view) {
            case "permissions" -> {
                Permissions permissions = rabbitEngine.permissions();
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("mode", rabbitEngine.topologyMode().name().toLowerCase(java.util.Locale.ROOT));
                result.put("virtualHost", rabbit.getVirtualHost());
                result.put("user", rabbit.getUsername());
                result.put("configure", permissions.configure());
                result.put("write", permissions.write());
                result.put("read", permissions.read());
                result.put("rabbitmqctl", permissions.rabbitmqctlCommand(rabbit.getUsername(), rabbit.getVirtualHost()));
                yield result;
            }
            case "definitions" -> rabbitEngine.fullTopology().toDefinitions(rabbit.getVirtualHost());
            default -> null;
        };
    }

    /**
     * The overview.
     *
     * @return the alerts raised, dead-letter queues, circuit breakers and consumer counters
     */
    @ReadOperation
    public Map<String, Object> overview() {
        Map<String, Object> overview = new LinkedHashMap<>();
        java.util.Set<String> alerts = new java.util.TreeSet<>();
        if (engine instanceof dev.warren.WarrenEngine rabbit) {
            alerts.addAll(rabbit.activeAlerts());
        }
        alertSources.get().forEach(source -> alerts.addAll(source.activeAlerts()));
        overview.put("alerts", alerts);
        overview.put("deadLetterQueues", engine.deadLetters().queues());
        overview.put("circuitBreakers", engine.circuitBreakerStates());
        overview.put("consumers", engine.consumerStats());
        return overview;
    }

    /**
     * A page of a queue's dead letters and its failure groups. Bodies, headers and stack traces are
     * shown to operators only. At {@code asyncapi}, unless a handler's queue has that name, the
     * AsyncAPI document instead.
     *
     * @param queue the work queue
     * @param offset how many messages to pass over from the head, 0 by default
     * @param limit how many messages to show, 5 by default; {@code offset + limit} is at most
     *     {@value DeadLetters#MAX_MESSAGES}
     * @param security who asks
     * @return the messages and groups; 404 when {@code queue} is not a work queue of the engine nor its {@code .dlq}
     */
    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> deadLetters(@Selector String queue, @Nullable Integer offset,
            @Nullable Integer limit, SecurityContext security) {
        if (queue.equals(ASYNCAPI) && engine instanceof WarrenEngine rabbitEngine && rabbitEngine.topology().queue(queue) == null) {
            return new WebEndpointResponse<>(asyncApi(rabbitEngine));
        }
        boolean operator = isOperator(security);
        DeadLetters deadLetters = engine.deadLetters();
        int from = offset == null ? 0 : offset;
        int size = limit == null ? 5 : limit;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("queue", queue);
        result.put("operator", operator);
        try {
            java.util.List<DeadLetter> page = deadLetters.peek(queue, from, size);
            result.put("offset", from);
            result.put("messages", page.stream().map(letter -> view(letter, operator)).toList());
            // A full page may have a next one; the last page, or one at the read limit, has none.
            boolean more = page.size() == size && (long) from + size < DeadLetters.MAX_MESSAGES;
            result.put("nextOffset", more ? from + size : null);
            result.put("groups", operator ? deadLetters.groups(queue) : deadLetters.groups(queue).stream()
                    .map(group -> new FailureGroup(group.fingerprint(), group.exceptionType(), FailureReasons.redacted(group.exampleReason()),
                            group.count(), group.firstSeen(), group.lastSeen()))
                    .toList());
        } catch (UnknownDeadLetterQueueException e) {
            return notFound(e);
        }
        return new WebEndpointResponse<>(result);
    }

    /** Another application's queue is not found here, rather than forbidden: the endpoint knows only the engine's. */
    private static <T> WebEndpointResponse<T> notFound(UnknownDeadLetterQueueException e) {
        @SuppressWarnings("unchecked")
        T body = (T) Map.of("error", e.getMessage());
        return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_NOT_FOUND);
    }

    /**
     * Replays or discards a queue's dead letters.
     *
     * @param queue the work queue
     * @param action {@code replay} or {@code discard}
     * @param messageId select one message
     * @param fingerprint select a failure group
     * @param exceptionType select by exception type
     * @param failedBefore select those that failed before this instant
     * @param failedAfter select those that failed after this instant
     * @param dryRun replay: only say what would move
     * @param targetQueue replay: to this queue instead of the original
     * @param maxPerSecond replay: the pace, 0 for no limit
     * @param reason discard: why (required)
     * @param security who asks
     * @return what was done; 401 without an authenticated user, 403 without the operator role, 404
     *     when {@code queue} is not a work queue of the engine nor its {@code .dlq}
     */
    @WriteOperation
    public WebEndpointResponse<Object> operate(@Selector String queue, @Selector String action, @Nullable String messageId,
            @Nullable String fingerprint, @Nullable String exceptionType, @Nullable Instant failedBefore,
            @Nullable Instant failedAfter, @Nullable Boolean dryRun, @Nullable String targetQueue, @Nullable Integer maxPerSecond,
            @Nullable String reason, SecurityContext security) {
        if (!isOperator(security)) {
            boolean anonymous = security.getPrincipal() == null;
            return new WebEndpointResponse<>(Map.of("error", anonymous
                    ? action + " needs an authenticated user with the role " + operatorRole
                    : "user " + security.getPrincipal().getName() + " may not " + action + ": it needs the role "
                            + operatorRole + " (warren.operator.role)"),
                    anonymous ? STATUS_UNAUTHORIZED : STATUS_FORBIDDEN);
        }
        Selection selection = Selection.of(messageId, fingerprint, exceptionType, failedBefore, failedAfter);
        OperationResult result;
        try {
            result = switch (action) {
                case "replay" -> engine.deadLetters().replay(queue, selection,
                        new ReplayOptions(Boolean.TRUE.equals(dryRun), targetQueue, maxPerSecond == null ? 0 : maxPerSecond));
                case "discard" -> engine.deadLetters().discard(queue, selection, reason == null ? "" : reason,
                        security.getPrincipal() != null ? security.getPrincipal().getName() : "anonymous");
                default -> throw new IllegalArgumentException("action must be replay or discard but was '" + action + "'");
            };
        } catch (UnknownDeadLetterQueueException e) {
            return notFound(e);
        }
        return new WebEndpointResponse<>(result);
    }

    /** The document as a map, so that Actuator writes it as JSON rather than as one JSON string. */
    private static Map<String, Object> asyncApi(WarrenEngine engine) {
        return JSON.readValue(engine.asyncApi(), new TypeReference<Map<String, Object>>() {
        });
    }

    /**
     * Whether the caller may change dead letters and read their contents: an authenticated user
     * with the operator role, or anyone when anonymous operators are allowed.
     */
    private boolean isOperator(SecurityContext security) {
        if (security.getPrincipal() == null) {
            return allowAnonymous;
        }
        return security.isUserInRole(operatorRole);
    }

    private static Map<String, Object> view(DeadLetter letter, boolean operator) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("messageId", letter.messageId());
        view.put("originalQueue", letter.originalQueue());
        view.put("reason", operator ? letter.reason() : FailureReasons.redacted(letter.reason()));
        view.put("exceptionType", letter.exceptionType());
        view.put("failureClass", letter.failureClass());
        view.put("attempts", letter.attempts());
        view.put("replays", letter.replays());
        view.put("failedAt", letter.failedAt());
        view.put("fingerprint", letter.fingerprint());
        view.put("contentType", letter.contentType());
        view.put("size", letter.body().length);
        if (!operator) {
            view.put("body", HIDDEN);
            view.put("stackTrace", HIDDEN);
            view.put("headers", HIDDEN);
            view.put("detailsHidden", true);
            return view;
        }
        view.put("body", letter.bodyText());
        view.put("stackTrace", letter.stackTrace());
        Map<String, Object> headers = new LinkedHashMap<>(letter.headers());
        headers.remove(WarrenHeaders.EXCEPTION_STACKTRACE);
        view.put("headers", headers);
        return view;
    }

}
