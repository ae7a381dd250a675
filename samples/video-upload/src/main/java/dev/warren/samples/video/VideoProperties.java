package dev.warren.samples.video;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's settings.
 *
 * @param queue the queue jobs go to
 * @param timeScale how much of each step's real duration to spend: 1.0 is the scenario's 2 s save,
 *     5 s thumbnail, 30 s 720p, 60 s 1080p and 1 s notification; tests use a small fraction
 * @param workerId names this instance in the processed_by column, to see which worker took a job
 */
@ConfigurationProperties("video")
public record VideoProperties(String queue, double timeScale, String workerId) {

    /** How long a step of the given real duration takes here. */
    public Duration scaled(Duration real) {
        return Duration.ofNanos((long) (real.toNanos() * timeScale));
    }
}
