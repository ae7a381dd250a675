package dev.warren.samples.orders;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Stands in for the real systems (stock database, payment gateway, label printer, mailer,
 * analytics): each step takes the scenario's duration, scaled. The waiting is the simulated work.
 * Synchronously the six steps take 7 s; only the first two have to happen before the answer.
 * Like a payment provider's test mode, the payment declines one customer, {@value #DECLINED_CUSTOMER}.
 */
@Component
public class OrderSteps {

    // The critical path: the customer must know the order went through.
    static final Duration CHECK_INVENTORY = Duration.ofMillis(200);
    static final Duration CHARGE_PAYMENT = Duration.ofSeconds(2);
    // Everything else can happen after the answer, in the subscribers.
    static final Duration UPDATE_INVENTORY = Duration.ofSeconds(1);
    static final Duration PRINT_SHIPPING_LABEL = Duration.ofMillis(1500);
    static final Duration SEND_CONFIRMATION = Duration.ofMillis(1300);
    static final Duration RECORD_ANALYTICS = Duration.ofSeconds(1);

    /** The customer whose card is declined. */
    public static final String DECLINED_CUSTOMER = "c-declined";

    private final OrderProperties properties;

    public OrderSteps(OrderProperties properties) {
        this.properties = properties;
    }

    public void checkInventory(String sku, int quantity) throws InterruptedException {
        work(CHECK_INVENTORY);
    }

    public void chargePayment(String orderId, String customerId) throws InterruptedException {
        work(CHARGE_PAYMENT);
        if (customerId.equals(DECLINED_CUSTOMER)) {
            throw new PaymentDeclinedException(customerId);
        }
    }

    public void updateInventory(String sku, int quantity) throws InterruptedException {
        work(UPDATE_INVENTORY);
    }

    public void printShippingLabel(String orderId) throws InterruptedException {
        work(PRINT_SHIPPING_LABEL);
    }

    public void sendConfirmation(String orderId, String customerId) throws InterruptedException {
        work(SEND_CONFIRMATION);
    }

    public void recordAnalytics(String orderId) throws InterruptedException {
        work(RECORD_ANALYTICS);
    }

    private void work(Duration real) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(properties.scaled(real).toNanos());
    }
}
