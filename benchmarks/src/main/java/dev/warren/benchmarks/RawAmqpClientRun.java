package dev.warren.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.warren.annotation.QueueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.ObjectReader;

/**
 * Baseline: one {@link DefaultConsumer} per unit of concurrency, each on its own amqp-client
 * channel with its own prefetch, decoding each body with Jackson and acknowledging each message.
 */
final class RawAmqpClientRun implements Run {

    private final Connection connection;
    private final String queue;
    private final QueueType type;
    private final ObjectReader reader;
    private final Deliveries deliveries;
    private final int prefetch;
    private final List<Channel> channels = new ArrayList<>();
    private final CountDownLatch cancelled;
    private boolean consuming;

    RawAmqpClientRun(Connection connection, String queue, QueueType type, ObjectReader reader, Deliveries deliveries,
            int prefetch, int concurrency) throws IOException {
        this.connection = connection;
        this.queue = queue;
        this.type = type;
        this.reader = reader;
        this.deliveries = deliveries;
        this.prefetch = prefetch;
        for (int i = 0; i < concurrency; i++) {
            channels.add(connection.createChannel());
        }
        this.cancelled = new CountDownLatch(concurrency);
    }

    @Override
    public List<String> queues() {
        return List.of(queue);
    }

    @Override
    public void declare() throws IOException {
        channels.get(0).queueDeclare(queue, true, false, false, Benchmarks.queueArguments(type));
    }

    @Override
    public void start() throws IOException {
        for (int i = 0; i < channels.size(); i++) {
            Channel channel = channels.get(i);
            channel.basicQos(prefetch);
            // handleDelivery runs on the connection's consumer work pool, not its I/O thread, one at a time per channel.
            channel.basicConsume(queue, false, consumerTag(i), new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                        throws IOException {
                    deliveries.handle(reader.readValue(body));
                    channel.basicAck(envelope.getDeliveryTag(), false);
                }

                @Override
                public void handleCancelOk(String tag) {
                    cancelled.countDown();
                }
            });
        }
        consuming = true;
    }

    @Override
    public void close() throws IOException, TimeoutException, InterruptedException {
        if (!connection.isOpen() || channels.stream().anyMatch(channel -> !channel.isOpen())) {
            return;
        }
        if (consuming) {
            // The last message is counted before its ack is sent. The cancel-ok is dispatched after the
            // deliveries already dispatched, so waiting for it lets that ack go out before the channel closes.
            for (int i = 0; i < channels.size(); i++) {
                channels.get(i).basicCancel(consumerTag(i));
            }
            if (!cancelled.await(Benchmarks.CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("The raw consumers on " + queue + " were not cancelled within "
                        + Benchmarks.CONFIRM_TIMEOUT);
            }
        }
        for (Channel channel : channels) {
            channel.close();
        }
    }

    private String consumerTag(int index) {
        return "warren-benchmark-raw-" + index + "-" + queue;
    }
}
