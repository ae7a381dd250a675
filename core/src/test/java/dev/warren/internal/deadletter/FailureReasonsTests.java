package dev.warren.internal.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What logs above DEBUG, and users without the operator role, see of a dead letter's reason. */
class FailureReasonsTests {

    @Test
    void quotedValuesAreTakenOutOfReasonsForUsersWithoutTheOperatorRole() {
        String decoder = "Body does not decode as JSON into Order (content type application/json, 31 bytes): "
                + "Unrecognized token 'alice@example.com': was expecting (JSON String, Number, Array, Object or token 'null')";
        assertThat(FailureReasons.redacted(decoder)).isEqualTo("Body does not decode as JSON into Order (content type "
                + "application/json, 31 bytes): Unrecognized token '…': was expecting (JSON String, Number, Array, Object "
                + "or token '…')");
        assertThat(FailureReasons.redacted("Cannot deserialize value of type `int` from String \"4111 1111 1111 1111\""))
                .isEqualTo("Cannot deserialize value of type `int` from String \"…\"");
    }

    @Test
    void apostrophesInPlainTextStay() {
        String handler = "BillingWorker.bill failed: the order's total can't be negative";
        assertThat(FailureReasons.redacted(handler)).isEqualTo(handler);
    }
}
