package dev.warren.samples.poison;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Turns amounts into cents, with a bug: before the fix, an amount with a fraction of a cent
 * (19.995, from a percentage discount) throws {@code ArithmeticException: Rounding necessary}.
 * {@code orders.bug-fixed} stands for the deploy of the fix; tests flip it at run time.
 */
@Component
public class Billing {

    private volatile boolean bugFixed;

    public Billing(@Value("${orders.bug-fixed}") boolean bugFixed) {
        this.bugFixed = bugFixed;
    }

    public long toCents(BigDecimal amount) {
        if (bugFixed) {
            return amount.setScale(2, RoundingMode.HALF_EVEN).movePointRight(2).longValueExact();
        }
        return amount.movePointRight(2).longValueExact();
    }

    /** "Deploys" the fix, or takes it back. */
    public void setBugFixed(boolean bugFixed) {
        this.bugFixed = bugFixed;
    }
}
