package dev.warren.internal.handler;

import dev.warren.MessageContext;
import dev.warren.WarrenException;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Delivery;
import dev.warren.annotation.QueueType;
import dev.warren.annotation.Retry;
import dev.warren.annotation.Subscribe;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.IdempotencySettings;
import dev.warren.internal.DurationText;
import dev.warren.protection.RateLimit;
import dev.warren.retry.RetryPolicy;
import dev.warren.topology.Topology;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Finds the {@link Consumer} and {@link Subscribe} methods of a bean and checks their signatures,
 * failing with a message that names the method and the fix.
 */
public final class HandlerScanner {

    private final ConsumerSettings defaults;
    private final ConsumerCustomizer customizer;
    private final UnaryOperator<String> nameResolver;
    private final java.util.function.Predicate<String> consumerFilter;

    public HandlerScanner(ConsumerSettings defaults, ConsumerCustomizer customizer, UnaryOperator<String> nameResolver) {
        this(defaults, customizer, nameResolver, name -> true);
    }

    /**
     * Creates a scanner that keeps only some handlers.
     *
     * @param consumerFilter accepts the consumer names of the handlers to keep; the others are
     *     still checked, so that a bad handler fails whichever engine runs it
     */
    public HandlerScanner(ConsumerSettings defaults, ConsumerCustomizer customizer, UnaryOperator<String> nameResolver,
            java.util.function.Predicate<String> consumerFilter) {
        this.defaults = defaults;
        this.customizer = customizer;
        this.nameResolver = nameResolver;
        this.consumerFilter = consumerFilter;
    }

    /**
     * Scans a bean.
     *
     * @param bean the object whose methods are invoked
     * @param type the class to read annotations from (the user class behind a proxy)
     */
    public List<HandlerEndpoint> scan(Object bean, Class<?> type) {
        List<HandlerEndpoint> endpoints = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            Method[] methods = c.getDeclaredMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName));
            for (Method method : methods) {
                if (method.isBridge() || method.isSynthetic()) {
                    // javac copies annotations onto the bridge of a generic interface method; the real method follows.
                    continue;
                }
                Consumer consumer = method.getAnnotation(Consumer.class);
                Subscribe subscribe = method.getAnnotation(Subscribe.class);
                if (consumer == null && subscribe == null) {
                    continue;
                }
                if (consumer != null && subscribe != null) {
                    throw invalid(method, "has both @Consumer and @Subscribe; a handler consumes one queue, so keep one");
                }
                HandlerMethod handler = bind(bean, method);
                HandlerEndpoint endpoint = consumer != null ? consumerEndpoint(consumer, method, handler)
                        : subscriptionEndpoint(subscribe, method, handler);
                if (consumerFilter.test(endpoint.consumerName())) {
                    endpoints.add(endpoint);
                }
            }
        }
        return endpoints;
    }

    private HandlerEndpoint consumerEndpoint(Consumer annotation, Method method, HandlerMethod handler) {
        String queue = requireText(annotation.queue(), method, "@Consumer(queue)");
        ConsumerSettings settings = settings(queue, method, new Attributes(annotation.concurrency(), annotation.prefetch(),
                annotation.queueType(), annotation.retry(), annotation.delivery(), annotation.idempotent(),
                annotation.idempotencyKey(), annotation.circuitBreaker(), annotation.rateLimit()));
        return new HandlerEndpoint(queue, queue, null, null, settings, handler);
    }

    private HandlerEndpoint subscriptionEndpoint(Subscribe annotation, Method method, HandlerMethod handler) {
        String topic = requireText(annotation.topic(), method, "@Subscribe(topic)");
        String group = requireText(annotation.group(), method, "@Subscribe(group)");
        String queue = Topology.subscriptionQueueName(topic, group);
        ConsumerSettings settings = settings(queue, method, new Attributes(annotation.concurrency(), annotation.prefetch(),
                annotation.queueType(), annotation.retry(), annotation.delivery(), annotation.idempotent(),
                annotation.idempotencyKey(), annotation.circuitBreaker(), annotation.rateLimit()));
        return new HandlerEndpoint(queue, queue, topic, group, settings, handler);
    }

    /** What @Consumer and @Subscribe have in common. */
    private record Attributes(int concurrency, int prefetch, QueueType queueType, Retry retry, Delivery delivery,
            boolean idempotent, String idempotencyKey, String circuitBreaker, String rateLimit) {
    }

    private ConsumerSettings settings(String name, Method method, Attributes attributes) {
        try {
            ConsumerSettings settings = defaults.overriddenBy(attributes.concurrency(), attributes.prefetch(), attributes.queueType())
                    .withRetry(merge(defaults.retry(), attributes.retry()))
                    .withDelivery(attributes.delivery());
            if (attributes.idempotent()) {
                IdempotencySettings idempotency = settings.idempotency().withEnabled(true);
                if (!attributes.idempotencyKey().isBlank()) {
                    idempotency = idempotency.withKeyField(attributes.idempotencyKey());
                }
                settings = settings.withIdempotency(idempotency);
            }
            if (!attributes.circuitBreaker().isBlank()) {
                settings = settings.withCircuitBreaker(attributes.circuitBreaker());
            }
            if (!attributes.rateLimit().isBlank()) {
                settings = settings.withRateLimit(RateLimit.parse(attributes.rateLimit()));
            }
            return customizer.customize(name, settings);
        } catch (WarrenException e) {
            throw invalid(method, "has invalid settings: " + e.getMessage());
        }
    }

    private static RetryPolicy merge(RetryPolicy defaults, Retry retry) {
        RetryPolicy.Builder builder = defaults.toBuilder();
        if (retry.maxAttempts() != 0) {
            builder.maxAttempts(retry.maxAttempts());
        }
        if (!retry.backoff().isBlank()) {
            builder.backoff(DurationText.parse(retry.backoff(), "@Retry(backoff)"));
        }
        if (retry.multiplier() != 0) {
            builder.multiplier(retry.multiplier());
        }
        if (!retry.maxBackoff().isBlank()) {
            builder.maxBackoff(DurationText.parse(retry.maxBackoff(), "@Retry(maxBackoff)"));
        }
        if (retry.jitter() != 0) {
            builder.jitter(retry.jitter());
        }
        builder.permanent(retry.permanent());
        builder.retryable(retry.retryable());
        return builder.build();
    }

    private static HandlerMethod bind(Object bean, Method method) {
        if (Modifier.isStatic(method.getModifiers())) {
            throw invalid(method, "is static; make it an instance method of the handler bean");
        }
        Class<?> returnType = method.getReturnType();
        if (Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)) {
            throw invalid(method, "returns " + returnType.getSimpleName()
                    + "; Warren acknowledges when the method returns, so do the work before returning and return void");
        }
        Class<?>[] parameters = method.getParameterTypes();
        int payloadIndex = -1;
        int contextIndex = -1;
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == MessageContext.class) {
                if (contextIndex >= 0) {
                    throw invalid(method, "takes MessageContext twice; declare it once");
                }
                contextIndex = i;
            } else {
                if (payloadIndex >= 0) {
                    throw invalid(method, "takes two payload parameters (" + parameters[payloadIndex].getSimpleName() + " and "
                            + parameters[i].getSimpleName() + "); a handler takes one payload and optionally a MessageContext");
                }
                payloadIndex = i;
            }
        }
        if (payloadIndex < 0) {
            throw invalid(method, "takes no payload parameter; declare the message type as a parameter, e.g. process(VideoJob job)");
        }
        if (parameters[payloadIndex] == Object.class) {
            throw invalid(method, "takes its payload as Object; declare the concrete type, since Warren never reads a type from message headers");
        }
        return new HandlerMethod(bean, method, payloadIndex, contextIndex);
    }

    private String requireText(String value, Method method, String attribute) {
        String resolved = nameResolver.apply(value);
        if (resolved == null || resolved.isBlank()) {
            throw invalid(method, "has a blank " + attribute + (value.equals(resolved) ? "" : " ('" + value + "' resolved to '" + resolved + "')")
                    + "; name it");
        }
        return resolved;
    }

    private static WarrenException invalid(Method method, String problem) {
        return new WarrenException("Handler " + method.getDeclaringClass().getName() + "." + method.getName() + " " + problem);
    }
}
