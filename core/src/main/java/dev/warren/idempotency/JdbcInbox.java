package dev.warren.idempotency;

import dev.warren.WarrenException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The inbox: an idempotency store on PostgreSQL whose key row is written in the same transaction
 * as the handler's own database work, for handlers that write to that database (through Spring's
 * {@code JdbcTemplate}, {@code JdbcClient} or a {@code DataSourceUtils} connection on the same
 * {@link DataSource}). A redelivered message finds its key committed and is skipped; a handler
 * that fails rolls back its work and the key alike, so the retry starts clean. Two copies
 * processed at once wait on each other at the key's unique index, and the second one is skipped.
 *
 * <pre>{@code
 * CREATE TABLE warren_inbox (
 *     message_key  VARCHAR(512) PRIMARY KEY,
 *     processed_at TIMESTAMPTZ  NOT NULL DEFAULT now()
 * )
 * }</pre>
 *
 * <p>Keys stay until you delete them ({@link #deleteOlderThan}); the TTLs of the
 * {@link IdempotencyStore} contract do not apply, since a key is a committed fact.
 *
 * @since 0.1
 */
public final class JdbcInbox implements TransactionalIdempotencyStore {

    /** The table unless the constructor is given another: {@value}. */
    public static final String DEFAULT_TABLE = "warren_inbox";

    private final DataSource dataSource;
    private final String table;
    private final TransactionTemplate transactions;

    /**
     * An inbox in the table {@value #DEFAULT_TABLE}.
     *
     * @param dataSource the database the handlers write to
     */
    public JdbcInbox(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE);
    }

    /**
     * An inbox in the given table.
     *
     * @param dataSource the database the handlers write to
     * @param table a plain or schema-qualified SQL name
     */
    public JdbcInbox(DataSource dataSource, String table) {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
            throw new WarrenException("inbox table must be a plain SQL name but was '" + table + "'");
        }
        this.dataSource = dataSource;
        this.table = table;
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** Creates the table unless it exists. */
    public void createTableIfMissing() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (message_key VARCHAR(512) PRIMARY KEY, processed_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        } catch (SQLException e) {
            throw new WarrenException("Could not create the inbox table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return transactions.execute(status -> work.get());
    }

    /**
     * Inserts the key in the current transaction. An uncommitted insert of the same key by another
     * consumer makes this one wait for that transaction: its commit makes this a duplicate, its
     * rollback lets this one through.
     */
    @Override
    public Claim claim(String key, Duration claimTtl) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " (message_key) VALUES (?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, key);
            return insert.executeUpdate() == 1 ? Claim.CLAIMED : Claim.ALREADY_PROCESSED;
        } catch (SQLException e) {
            throw new IdempotencyStoreException("Could not record key " + key + " in the inbox " + table + ": " + e.getMessage(), e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** Nothing to do: the key inserted by {@link #claim} commits with the handler's work. */
    @Override
    public void markProcessed(String key, Duration ttl) {
    }

    /** Nothing to do: a rollback takes the key back with the handler's work. */
    @Override
    public void release(String key) {
    }

    /**
     * Deletes keys recorded before {@code age} ago; a message redelivered after that would be
     * processed again.
     *
     * @param age how long keys are kept
     * @return how many were deleted
     */
    public int deleteOlderThan(Duration age) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM " + table + " WHERE processed_at < now() - (? * interval '1 millisecond')")) {
            delete.setLong(1, age.toMillis());
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new WarrenException("Could not delete old keys from the inbox " + table + ": " + e.getMessage(), e);
        }
    }
}
