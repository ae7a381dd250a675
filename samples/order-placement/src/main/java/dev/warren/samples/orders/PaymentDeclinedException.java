package dev.warren.samples.orders;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The card was declined: the order is not placed, and {@code POST /orders} answers 402. */
@ResponseStatus(HttpStatus.PAYMENT_REQUIRED)
public class PaymentDeclinedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PaymentDeclinedException(String customerId) {
        super("The card of customer " + customerId + " was declined");
    }
}
