package dev.warren.samples.jmsorders;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/**
 * The orders this instance took and which subscribers have handled each, to watch them go through.
 * In memory, to keep the sample small; a real service has a database.
 */
@Component
public class OrderActivity {

    /**
     * An order as the API shows it.
     *
     * @param orderId the order
     * @param handledBy the subscriber groups that handled {@code order.placed}, in the order they did
     */
    public record Order(String orderId, List<String> handledBy) {
    }

    private final Map<String, List<String>> handledBy = new ConcurrentHashMap<>();

    public void placed(String orderId) {
        handledBy.putIfAbsent(orderId, new CopyOnWriteArrayList<>());
    }

    public void handled(String orderId, String group) {
        handledBy.computeIfAbsent(orderId, id -> new CopyOnWriteArrayList<>()).add(group);
    }

    public Optional<Order> find(String orderId) {
        return Optional.ofNullable(handledBy.get(orderId)).map(groups -> new Order(orderId, List.copyOf(groups)));
    }
}
