package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenException;
import dev.warren.topology.MissingPermissionException;
import dev.warren.topology.TopologyConflictException;
import dev.warren.topology.TopologyMismatchException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns Warren's start-up failures (a conflicting queue, an invalid handler, a bad
 * {@code warren.*} property) into Spring Boot's failure report instead of a stack trace.
 */
public final class WarrenFailureAnalyzer extends AbstractFailureAnalyzer<WarrenException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, WarrenException cause) {
        if (cause instanceof MissingPermissionException missing) {
            return new FailureAnalysis(missing.getMessage(),
                    "Grant the user the permissions Warren needs (GET /actuator/warren/topology/permissions shows them too):\n\n    "
                            + missing.rabbitmqctlCommand() + "\n\nthen restart the application.",
                    cause);
        }
        if (cause instanceof TopologyMismatchException mismatch) {
            return new FailureAnalysis("warren.topology.declare is passive: Warren declares nothing and checked the "
                    + "broker's topology. " + mismatch.getMessage(),
                    "Create or correct the " + mismatch.differences().size() + " objects listed above: export them with "
                            + "GET /actuator/warren/topology/definitions (or WarrenEngine.fullTopology().toDefinitions(vhost)) "
                            + "and import them with rabbitmqctl import_definitions, or set warren.topology.declare=declare "
                            + "so that Warren declares them itself.",
                    cause);
        }
        if (cause instanceof TopologyConflictException conflict) {
            return new FailureAnalysis("Warren could not declare its topology. " + conflict.getMessage(),
                    "Make the broker's declaration of '" + conflict.objectName()
                            + "' and Warren's agree, as described above, then restart the application.",
                    cause);
        }
        if (hasTlsCause(cause)) {
            return new FailureAnalysis("Warren could not start: " + cause.getMessage(),
                    "Trust the CA that signed the broker's certificate in the SSL bundle that spring.rabbitmq.ssl.bundle names "
                            + "(spring.ssl.bundle.pem.<name>.truststore.certificate), connect to a host name that the certificate "
                            + "names (spring.rabbitmq.addresses), and if the broker requires client certificates, give that bundle "
                            + "the client's certificate and key (spring.ssl.bundle.pem.<name>.keystore.*). Keep verification on.",
                    cause);
        }
        if (hasCause(cause, org.springframework.amqp.AmqpException.class)) {
            return new FailureAnalysis("Warren could not start: " + cause.getMessage(),
                    "Start RabbitMQ, or correct spring.rabbitmq.* (addresses, credentials, SSL bundle) as described above.",
                    cause);
        }
        return new FailureAnalysis("Warren could not start: " + cause.getMessage(),
                "Correct the handler method or the warren.* property named above.", cause);
    }

    private static boolean hasTlsCause(Throwable failure) {
        return hasCause(failure, javax.net.ssl.SSLException.class);
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
