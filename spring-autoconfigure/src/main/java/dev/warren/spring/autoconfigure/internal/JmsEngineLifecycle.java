package dev.warren.spring.autoconfigure.internal;

import dev.warren.jms.JmsWarrenEngine;
import java.util.TreeSet;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;

/**
 * Starts and stops the JMS engine with the application context, in the phase of the RabbitMQ one
 * ({@link HandlerBeans#PHASE}): before the web server, so that requests in flight can still
 * publish, and after it on shutdown, so that consumers drain first. Called on the thread that
 * starts or closes the context.
 */
public final class JmsEngineLifecycle implements SmartInitializingSingleton, SmartLifecycle {

    private final JmsWarrenEngine engine;
    private final PropertiesConverter converter;

    /**
     * Creates the lifecycle of an engine.
     *
     * @param engine the engine, built with its handlers
     * @param converter the warren.* properties, to warn about queue entries that match no handler
     */
    public JmsEngineLifecycle(JmsWarrenEngine engine, PropertiesConverter converter) {
        this.engine = engine;
        this.converter = converter;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (converter.usesBothTransports()) {
            return; // the RabbitMQ side knows every handler and warns for both
        }
        // A handler's consumer name is its queue name, on JMS as on RabbitMQ.
        HandlerBeans.warnUnmatched(converter, new TreeSet<>(engine.queues()));
    }

    @Override
    public void start() {
        engine.start();
    }

    @Override
    public void stop() {
        engine.stop();
    }

    @Override
    public boolean isRunning() {
        return engine.isRunning();
    }

    @Override
    public int getPhase() {
        return HandlerBeans.PHASE;
    }
}
