package dev.warren.topology;

/**
 * Whether Warren declares its topology at start-up or only checks that it is there.
 *
 * <pre>{@code
 * WarrenEngine.builder(connectionFactory).handlers(new VideoWorker())
 *         .topologyMode(TopologyMode.PASSIVE)     // the platform team owns the queues
 *         .managementApi(api)                     // to compare their arguments
 *         .build();
 * }</pre>
 *
 * @since 0.1
 */
public enum TopologyMode {

    /** Warren declares every exchange, queue and binding it needs; the default. */
    DECLARE,

    /**
     * Warren declares nothing. At start-up it checks through the management API that every
     * exchange, queue and binding it needs exists with compatible arguments, and fails listing
     * every difference at once. Export what to create with {@link Topology#toDefinitions(String)}.
     */
    PASSIVE
}
