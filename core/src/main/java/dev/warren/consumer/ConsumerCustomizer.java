package dev.warren.consumer;

/**
 * Adjusts a handler's settings after the annotation has been applied, so that configuration (for
 * example {@code warren.queues.<name>.*} in YAML) has the last word.
 *
 * <pre>{@code
 * ConsumerCustomizer fromConfig = (name, settings) ->
 *         name.equals("video.process") ? new ConsumerSettings(4, settings.prefetch(), settings.queueType()) : settings;
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ConsumerCustomizer {

    /** Leaves every handler's settings as the annotation made them. */
    ConsumerCustomizer NONE = (consumerName, settings) -> settings;

    /**
     * Returns the settings to use for one handler. Called once per handler at start-up.
     *
     * @param consumerName the handler's consumer name: the queue of a {@code @Consumer},
     *     {@code <topic>.<group>} of a {@code @Subscribe}
     * @param settings the defaults with the annotation's values applied
     * @return the settings to use
     */
    ConsumerSettings customize(String consumerName, ConsumerSettings settings);
}
