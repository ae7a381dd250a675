package dev.warren.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenException;
import dev.warren.idempotency.IdempotencyStore.Claim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link IdempotencyStore} protocol, which every store passes the same way: a test class per
 * store extends this one and says how to make the store's time pass. Named neither {@code *Tests}
 * nor {@code *IT}, so that it runs only through those classes.
 */
abstract class IdempotencyStoreContract {

    /** Longer than any test runs: never expires while a test looks. */
    static final Duration LONG = Duration.ofMinutes(10);

    /** How long a test waits for a short TTL to run out in the store's own time. */
    static final Duration EXPIRY_TIMEOUT = Duration.ofSeconds(10);

    /** The store under test, new for each test. */
    abstract IdempotencyStore store();

    /** A TTL short enough for a test to wait out, but long enough for a few store calls to run within it. */
    abstract Duration shortTtl();

    /**
     * Moves the store's clock on, for stores on an injected clock. Stores that keep real time do
     * nothing: the test then awaits the expiry.
     */
    abstract void advance(Duration duration);

    @Test
    void firstClaimOfAKeyIsGranted() {
        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void claimOfAClaimedKeyIsInProgress() {
        store().claim("orders:1", LONG);

        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.IN_PROGRESS);
    }

    @Test
    void claimOfAProcessedKeyIsAlreadyProcessed() {
        store().claim("orders:1", LONG);
        store().markProcessed("orders:1", LONG);

        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
    }

    @Test
    void releasedKeyCanBeClaimedAgain() {
        store().claim("orders:1", LONG);
        store().release("orders:1");

        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.CLAIMED);
        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.IN_PROGRESS);
    }

    @Test
    void releaseNeverRemovesAProcessedMarker() {
        store().claim("orders:1", LONG);
        store().markProcessed("orders:1", LONG);

        store().release("orders:1");

        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
    }

    @Test
    void releaseOfAnUnknownKeyDoesNothing() {
        store().release("orders:unknown");

        assertThat(store().claim("orders:unknown", LONG)).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void markProcessedWithoutAClaimRemembersTheKey() {
        store().markProcessed("orders:1", LONG);

        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
    }

    @Test
    void keysAreIndependent() {
        store().claim("orders:1", LONG);
        store().markProcessed("orders:1", LONG);
        store().claim("orders:2", LONG);

        assertThat(store().claim("orders:3", LONG)).isEqualTo(Claim.CLAIMED);
        assertThat(store().claim("orders:2", LONG)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
        assertThat(store().claim("payments:1", LONG)).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void expiredClaimCanBeClaimedAgain() {
        store().claim("orders:1", shortTtl());
        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.IN_PROGRESS);

        advance(shortTtl());

        await().atMost(EXPIRY_TIMEOUT).until(() -> store().claim("orders:1", LONG) == Claim.CLAIMED);
        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.IN_PROGRESS);
    }

    @Test
    void processedMarkerIsForgottenAfterItsTtl() {
        store().claim("orders:1", LONG);
        store().markProcessed("orders:1", shortTtl());
        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);

        advance(shortTtl());

        await().atMost(EXPIRY_TIMEOUT).until(() -> store().claim("orders:1", LONG) == Claim.CLAIMED);
    }

    @Test
    void processedMarkerOutlivesTheClaimTtl() {
        store().claim("orders:1", shortTtl());
        store().claim("witness", shortTtl());
        store().markProcessed("orders:1", LONG);

        advance(shortTtl());
        // The witness, claimed alongside with the same TTL, is free again: the claim TTL is over.
        await().atMost(EXPIRY_TIMEOUT).until(() -> store().claim("witness", LONG) == Claim.CLAIMED);

        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
    }

    @Test
    void releaseAfterTheClaimExpiredAndWasTakenOverLeavesAProcessedMarker() {
        store().claim("orders:1", shortTtl());
        advance(shortTtl());
        await().atMost(EXPIRY_TIMEOUT).until(() -> store().claim("orders:1", LONG) == Claim.CLAIMED);
        store().markProcessed("orders:1", LONG);

        store().release("orders:1"); // the first consumer gives up late

        assertThat(store().claim("orders:1", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
    }

    @Test
    void exactlyOneOfEightConcurrentClaimsIsGranted() throws Exception {
        assertThat(claimAtOnce("orders:race", 8)).containsExactlyInAnyOrder(Claim.CLAIMED, Claim.IN_PROGRESS,
                Claim.IN_PROGRESS, Claim.IN_PROGRESS, Claim.IN_PROGRESS, Claim.IN_PROGRESS, Claim.IN_PROGRESS,
                Claim.IN_PROGRESS);
    }

    @Test
    void exactlyOneOfEightConcurrentClaimsTakesOverAnExpiredClaim() throws Exception {
        store().claim("orders:race", shortTtl());
        store().claim("witness", shortTtl());
        advance(shortTtl());
        await().atMost(EXPIRY_TIMEOUT).until(() -> store().claim("witness", LONG) == Claim.CLAIMED);

        assertThat(claimAtOnce("orders:race", 8)).containsOnlyOnce(Claim.CLAIMED).hasSize(8);
    }

    @Test
    void invalidArgumentsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> store().claim("orders:1", Duration.ZERO))
                .isInstanceOf(WarrenException.class)
                .hasMessage("claimTtl must be positive but was PT0S");
        assertThatThrownBy(() -> store().markProcessed("orders:1", Duration.ofSeconds(-1)))
                .isInstanceOf(WarrenException.class)
                .hasMessage("ttl must be positive but was PT-1S");
        assertThatThrownBy(() -> store().claim("", LONG))
                .isInstanceOf(WarrenException.class)
                .hasMessageStartingWith("idempotency key must not be empty");
        assertThat(store().claim("orders:1", LONG)).as("nothing was stored by the rejected calls").isEqualTo(Claim.CLAIMED);
    }

    /** Starts {@code threads} claims of one key at the same moment and returns their answers. */
    private List<Claim> claimAtOnce(String key, int threads) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger names = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads,
                task -> new Thread(task, "idempotency-race-" + names.incrementAndGet()));
        try {
            List<Future<Claim>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(executor.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return store().claim(key, LONG);
                }));
            }
            List<Claim> claims = new ArrayList<>();
            for (Future<Claim> future : futures) {
                claims.add(future.get(30, TimeUnit.SECONDS));
            }
            return claims;
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
