package dev.warren.monitor;

import java.util.Set;

/**
 * A part of Warren besides the engine's queue monitor that raises {@link Alert}s, such as the
 * transactional outbox; Spring Boot shows its active alerts with the queues' in Warren's health
 * and in the {@code warren} Actuator endpoint.
 *
 * <pre>{@code
 * Set<String> active = outbox.activeAlerts();   // e.g. [OUTBOX_OLDEST_UNSENT warren_outbox]
 * }</pre>
 *
 * <p>Implementations are thread-safe.
 *
 * @since 0.1
 */
public interface AlertSource {

    /**
     * The alerts raised and not yet cleared.
     *
     * @return entries {@code KIND name}, as the engine's queue alerts; empty when all is well
     */
    Set<String> activeAlerts();
}
