package dev.warren.internal;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Warren's two observations and every key they carry, in one place: the low-cardinality keys,
 * which become the timers' tags (and span attributes), apart from the high-cardinality
 * OpenTelemetry messaging attributes, which reach spans only. The README's "Watching it run"
 * lists them.
 *
 * <p>Why the OpenTelemetry attributes are high-cardinality even where their values are few
 * ({@code messaging.system}, {@code messaging.operation.type}): Micrometer's meter handler tags a
 * timer with every low-cardinality key, so adding them there would change the tag keys of
 * {@code warren.process} and {@code warren.publish} and break the dashboards and alerts built on
 * them; and {@code messaging.message.id} or the routing key as a tag would make a timer per message
 * or per routing key. A tracing handler copies both kinds onto the span, which is where APM tools
 * look for them. An {@code ObservationConvention} would let users replace the
 * keys, but it needs a context type per observation carrying the message and its endpoint, and a
 * replaced convention could change the meters' tags again; an {@code ObservationFilter} runs only
 * at stop, after a sampler has decided. Both are more machinery for the same result.
 *
 * <p>Values follow the OpenTelemetry messaging semantic conventions (v1.26 and later, still in
 * development upstream): {@code messaging.operation.type} is {@code process} for consuming and
 * {@code send} for publishing, whichever Warren method published.
 */
public enum WarrenObservation implements ObservationDocumentation {

    /** Processing one delivery: a consumer span continuing the publisher's trace, and a timer. */
    PROCESS {
        @Override
        public String getName() {
            return "warren.process";
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return ProcessTag.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return MessagingAttribute.values();
        }
    },

    /** Publishing one message until its confirm: a producer span, and a timer. */
    PUBLISH {
        @Override
        public String getName() {
            return "warren.publish";
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return PublishTag.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return new KeyName[] {MessagingAttribute.SYSTEM, MessagingAttribute.DESTINATION_NAME,
                    MessagingAttribute.OPERATION_TYPE, MessagingAttribute.OPERATION_NAME, MessagingAttribute.MESSAGE_ID,
                    MessagingAttribute.ROUTING_KEY};
        }
    };

    /** The {@code messaging.operation.type} of processing a delivery. */
    public static final String PROCESS_OPERATION = "process";

    /** The {@code messaging.operation.type} of publishing a message. */
    public static final String SEND_OPERATION = "send";

    /** The tags of {@code warren.process}. */
    public enum ProcessTag implements KeyName {
        /** The queue consumed. */
        QUEUE("queue"),
        /** What became of the delivery: processed, duplicate, retried, dead_lettered, error. */
        OUTCOME("outcome");

        private final String key;

        ProcessTag(String key) {
            this.key = key;
        }

        @Override
        public String asString() {
            return key;
        }
    }

    /** The tags of {@code warren.publish}. */
    public enum PublishTag implements KeyName {
        /** The queue sent to, or the topic published to. */
        DESTINATION("destination"),
        /** {@code send} to a queue, or {@code publish} to a topic. */
        KIND("kind");

        private final String key;

        PublishTag(String key) {
            this.key = key;
        }

        @Override
        public String asString() {
            return key;
        }
    }

    /** The OpenTelemetry messaging attributes, on spans only. */
    public enum MessagingAttribute implements KeyName {
        /** {@code rabbitmq}, or {@code jms} for the JMS transport. */
        SYSTEM("messaging.system"),
        /**
         * The queue a {@code @Consumer} consumes or a message is sent to; the topic an event is
         * published to or a {@code @Subscribe} group consumes. Not RabbitMQ's
         * {@code exchange:routing key:queue} form, so that a topic's publish and process spans
         * name the same destination and the group its own attribute.
         */
        DESTINATION_NAME("messaging.destination.name"),
        /** {@link #PROCESS_OPERATION} or {@link #SEND_OPERATION}. */
        OPERATION_TYPE("messaging.operation.type"),
        /** Warren's name of the operation: {@code process}, {@code send} or {@code publish}. */
        OPERATION_NAME("messaging.operation.name"),
        /** The message's {@code message_id}, when it has one. */
        MESSAGE_ID("messaging.message.id") {
            @Override
            public boolean isRequired() {
                return false;
            }
        },
        /** The routing key a RabbitMQ message was published or delivered with; JMS has none. */
        ROUTING_KEY("messaging.rabbitmq.destination.routing_key") {
            @Override
            public boolean isRequired() {
                return false;
            }
        },
        /** The group of a {@code @Subscribe} handler; a {@code @Consumer} has none. */
        CONSUMER_GROUP("messaging.consumer.group.name") {
            @Override
            public boolean isRequired() {
                return false;
            }
        };

        private final String key;

        MessagingAttribute(String key) {
            this.key = key;
        }

        @Override
        public String asString() {
            return key;
        }
    }
}
