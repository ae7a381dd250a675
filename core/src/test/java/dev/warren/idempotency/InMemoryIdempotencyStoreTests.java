package dev.warren.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.WarrenException;
import dev.warren.idempotency.IdempotencyStore.Claim;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTests extends IdempotencyStoreContract {

    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(1_000, clock);

    @Override
    IdempotencyStore store() {
        return store;
    }

    @Override
    Duration shortTtl() {
        return Duration.ofMinutes(1);
    }

    @Override
    void advance(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void fewerThanOneEntryIsRejected() {
        assertThatThrownBy(() -> new InMemoryIdempotencyStore(0, clock))
                .isInstanceOf(WarrenException.class)
                .hasMessageStartingWith("maxEntries must be >= 1 but was 0;");
        assertThatThrownBy(() -> new InMemoryIdempotencyStore(-5, clock))
                .isInstanceOf(WarrenException.class)
                .hasMessageStartingWith("maxEntries must be >= 1 but was -5;");
    }

    @Test
    void claimHoldsUntilTheInstantItExpires() {
        store.claim("k", Duration.ofSeconds(30));

        clock.advance(Duration.ofSeconds(30).minusNanos(1));
        assertThat(store.claim("k", LONG)).isEqualTo(Claim.IN_PROGRESS);

        clock.advance(Duration.ofNanos(1));
        assertThat(store.claim("k", LONG)).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void markProcessedRenewsTheTtlOfAMarker() {
        store.markProcessed("k", Duration.ofMinutes(1));
        clock.advance(Duration.ofSeconds(50));
        store.markProcessed("k", Duration.ofMinutes(1));

        clock.advance(Duration.ofSeconds(50));

        assertThat(store.claim("k", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
    }

    @Test
    void neverHoldsMoreThanMaxEntries() {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(3, clock);

        for (int i = 0; i < 10; i++) {
            small.claim("k" + i, LONG);
            assertThat(small.size()).isLessThanOrEqualTo(3);
        }
        for (int i = 0; i < 10; i++) {
            small.markProcessed("m" + i, LONG);
            assertThat(small.size()).isLessThanOrEqualTo(3);
        }
        assertThat(small.size()).isEqualTo(3);
    }

    @Test
    void fullStoreForgetsTheEldestEntryFirst() {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(3, clock);
        small.claim("a", LONG);
        small.claim("b", LONG);
        small.claim("c", LONG);

        small.claim("d", LONG);

        assertThat(small.claim("b", LONG)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(small.claim("c", LONG)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(small.claim("d", LONG)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(small.claim("a", LONG)).as("a was forgotten, so it is claimable again").isEqualTo(Claim.CLAIMED);
    }

    @Test
    void markingAKeyProcessedMakesItTheYoungest() {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(3, clock);
        small.claim("a", LONG);
        small.claim("b", LONG);
        small.claim("c", LONG);
        small.markProcessed("a", LONG);

        small.claim("d", LONG);

        assertThat(small.claim("a", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
        assertThat(small.claim("b", LONG)).as("b was the eldest, so it was forgotten").isEqualTo(Claim.CLAIMED);
    }

    @Test
    void fullStoreDropsExpiredEntriesBeforeLiveOnes() {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(3, clock);
        small.markProcessed("old-but-long", LONG);
        small.claim("short", Duration.ofSeconds(1));
        small.claim("live", LONG);
        clock.advance(Duration.ofSeconds(1));

        small.claim("new", LONG);

        assertThat(small.size()).isEqualTo(3);
        assertThat(small.claim("old-but-long", LONG)).as("the eldest, kept: an expired entry made room")
                .isEqualTo(Claim.ALREADY_PROCESSED);
        assertThat(small.claim("live", LONG)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(small.claim("new", LONG)).isEqualTo(Claim.IN_PROGRESS);
    }

    @Test
    void fullStoreOfLiveEntriesDropsTheEldestEvenAfterAnEarlierSweep() {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(2, clock);
        small.claim("short", Duration.ofSeconds(1));
        small.claim("a", LONG);
        clock.advance(Duration.ofSeconds(1));
        small.claim("b", LONG); // sweeps "short"
        small.claim("c", LONG); // nothing expired: drops "a"

        assertThat(small.size()).isEqualTo(2);
        assertThat(small.claim("b", LONG)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(small.claim("c", LONG)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(small.claim("a", LONG)).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void releaseOfAnExpiredProcessedMarkerLeavesItForTheNextClaimToReplace() {
        store.markProcessed("k", Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));

        store.release("k");

        assertThat(store.claim("k", LONG)).isEqualTo(Claim.CLAIMED);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void ttlBeyondYear9999IsCutToIt() {
        store.markProcessed("forever", ChronoUnit.FOREVER.getDuration());
        store.claim("claimed-forever", ChronoUnit.FOREVER.getDuration());

        clock.advance(Duration.ofDays(365L * 1_000));

        assertThat(store.claim("forever", LONG)).isEqualTo(Claim.ALREADY_PROCESSED);
        assertThat(store.claim("claimed-forever", LONG)).isEqualTo(Claim.IN_PROGRESS);
    }
}
