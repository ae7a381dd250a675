package dev.warren.outbox;

import dev.warren.Warren;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import java.util.concurrent.CompletableFuture;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A {@link Warren} that writes to the {@link Outbox} inside a Spring transaction on the outbox's
 * database, and publishes directly outside one. After the transaction commits, the relay is woken
 * to publish at once; on rollback nothing was written, so nothing is sent.
 *
 * @since 0.1
 */
public final class TransactionalWarren implements Warren {

    private final Warren direct;
    private final Outbox outbox;

    /**
     * Wraps a direct publisher.
     *
     * @param direct publishes outside transactions, and is what the relay publishes with
     * @param outbox where messages sent inside transactions go
     */
    public TransactionalWarren(Warren direct, Outbox outbox) {
        this.direct = direct;
        this.outbox = outbox;
    }

    private boolean inTransaction() {
        return TransactionSynchronizationManager.isActualTransactionActive()
                && TransactionSynchronizationManager.hasResource(outbox.dataSource());
    }

    private PublishReceipt write(boolean topic, String destination, Object payload, PublishOptions options) {
        PublishReceipt receipt = outbox.write(topic, destination, payload, options);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    outbox.wakeUp();
                }
            });
        }
        return receipt;
    }

    @Override
    public PublishReceipt send(String queue, Object payload, PublishOptions options) {
        return inTransaction() ? write(false, queue, payload, options) : direct.send(queue, payload, options);
    }

    @Override
    public CompletableFuture<PublishReceipt> sendAsync(String queue, Object payload, PublishOptions options) {
        return inTransaction() ? CompletableFuture.completedFuture(write(false, queue, payload, options))
                : direct.sendAsync(queue, payload, options);
    }

    @Override
    public PublishReceipt publish(String topic, Object event, PublishOptions options) {
        return inTransaction() ? write(true, topic, event, options) : direct.publish(topic, event, options);
    }

    @Override
    public CompletableFuture<PublishReceipt> publishAsync(String topic, Object event, PublishOptions options) {
        return inTransaction() ? CompletableFuture.completedFuture(write(true, topic, event, options))
                : direct.publishAsync(topic, event, options);
    }
}
