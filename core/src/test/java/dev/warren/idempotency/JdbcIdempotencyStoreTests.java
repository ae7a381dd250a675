package dev.warren.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.WarrenException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class JdbcIdempotencyStoreTests {

    // Nothing listens on port 1: every call fails to connect, fast.
    final PGSimpleDataSource unreachable = unreachable();

    @Test
    void tableNameMustBeAnIdentifier() {
        for (String bad : new String[] {"", "1table", "idem; DROP TABLE users", "schema.table", "tab-le", "tåble"}) {
            assertThatThrownBy(() -> new JdbcIdempotencyStore(unreachable, bad, Clock.systemUTC()))
                    .isInstanceOf(WarrenException.class)
                    .hasMessage("idempotency table must be letters, digits and underscores, not starting with a digit, but was '"
                            + bad + "'; use e.g. 'warren_idempotency'");
        }
        assertThat(new JdbcIdempotencyStore(unreachable, "_Idem_2", Clock.systemUTC())).isNotNull();
    }

    @Test
    void keyLongerThanTheColumnIsRejectedBeforeTheDatabaseIsAsked() {
        JdbcIdempotencyStore store = new JdbcIdempotencyStore(unreachable);

        assertThatThrownBy(() -> store.claim("k".repeat(513), Duration.ofMinutes(1)))
                .isInstanceOf(WarrenException.class)
                .hasMessageStartingWith("idempotency key must be at most 512 characters but was 513 ('kkkk");
        assertThatThrownBy(() -> store.claim("k".repeat(512), Duration.ofMinutes(1)))
                .as("512 characters fit; this one fails only for want of a database")
                .isInstanceOf(IdempotencyStoreException.class);
    }

    @Test
    void unreachableDatabaseIsAStoreExceptionNamingOperationKeyAndTable() {
        JdbcIdempotencyStore store = new JdbcIdempotencyStore(unreachable);

        assertThatThrownBy(() -> store.claim("orders:42", Duration.ofMinutes(1)))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store on table warren_idempotency could not claim key 'orders:42'")
                .hasMessageEndingWith("; check that the database is reachable, the delivery is retried")
                .hasCauseInstanceOf(SQLException.class);
        assertThatThrownBy(() -> store.markProcessed("orders:42", Duration.ofMinutes(1)))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store on table warren_idempotency could not mark processed key 'orders:42'");
        assertThatThrownBy(() -> store.release("orders:42"))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store on table warren_idempotency could not release key 'orders:42'");
        assertThatThrownBy(store::createTableIfMissing)
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store on table warren_idempotency could not create the table");
    }

    private static PGSimpleDataSource unreachable() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl("jdbc:postgresql://127.0.0.1:1/test?user=postgres&connectTimeout=2");
        return dataSource;
    }
}
