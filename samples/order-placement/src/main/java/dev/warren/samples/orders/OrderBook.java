package dev.warren.samples.orders;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The placed orders and which subscribers have handled each, in PostgreSQL ({@code schema.sql}),
 * to watch the work finish after the answer. Inside a transaction its writes join it.
 */
@Component
public class OrderBook {

    /**
     * An order as the API shows it.
     *
     * @param orderId the order
     * @param handledBy the subscriber groups that finished their work on it, in the order they
     *     finished; a group that got the event twice would appear twice
     */
    public record Order(String orderId, List<String> handledBy) {
    }

    private final JdbcClient jdbc;

    public OrderBook(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void save(OrderPlaced order) {
        jdbc.sql("INSERT INTO placed_orders (order_id, customer_id, sku, quantity) VALUES (?, ?, ?, ?)")
                .params(order.orderId(), order.customerId(), order.sku(), order.quantity()).update();
    }

    public void handled(String orderId, String group) {
        jdbc.sql("INSERT INTO placed_order_handlers (order_id, subscriber_group) VALUES (?, ?)").params(orderId, group).update();
    }

    public Optional<Order> find(String orderId) {
        boolean placed = jdbc.sql("SELECT count(*) FROM placed_orders WHERE order_id = ?").param(orderId)
                .query(Integer.class).single() == 1;
        if (!placed) {
            return Optional.empty();
        }
        List<String> handledBy = jdbc.sql("SELECT subscriber_group FROM placed_order_handlers WHERE order_id = ? ORDER BY id")
                .param(orderId).query(String.class).list();
        return Optional.of(new Order(orderId, handledBy));
    }
}
