package dev.warren.spring.autoconfigure.internal;

import dev.warren.Warren;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.util.function.SingletonSupplier;

/**
 * The {@link Warren} bean of an engine that is built after the beans that inject it: the JMS engine
 * takes its handler beans when it is built, and a handler may itself inject {@code Warren} to send
 * what it produces. Every call goes to the engine's publisher, looked up on first use.
 *
 * <p>Thread-safe; calls run on the caller's thread.
 */
public final class DeferredWarren implements Warren {

    private final SingletonSupplier<Warren> target;

    /**
     * Creates the publisher.
     *
     * @param target supplies the engine's publisher; called once, on the first send or publish
     */
    public DeferredWarren(Supplier<Warren> target) {
        this.target = SingletonSupplier.of(target);
    }

    @Override
    public PublishReceipt send(String queue, Object payload, PublishOptions options) {
        return target.obtain().send(queue, payload, options);
    }

    @Override
    public CompletableFuture<PublishReceipt> sendAsync(String queue, Object payload, PublishOptions options) {
        return target.obtain().sendAsync(queue, payload, options);
    }

    @Override
    public PublishReceipt publish(String topic, Object event, PublishOptions options) {
        return target.obtain().publish(topic, event, options);
    }

    @Override
    public CompletableFuture<PublishReceipt> publishAsync(String topic, Object event, PublishOptions options) {
        return target.obtain().publishAsync(topic, event, options);
    }
}
