package dev.warren.samples.video;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Stands in for the real media tools (a file store, ffmpeg, a mailer): each step takes the
 * scenario's duration, scaled. The waiting is the simulated work.
 */
@Component
public class MediaSteps {

    static final Duration SAVE = Duration.ofSeconds(2);
    static final Map<String, Duration> TASKS = Map.of(
            "thumbnail", Duration.ofSeconds(5),
            "720p", Duration.ofSeconds(30),
            "1080p", Duration.ofSeconds(60));
    static final Duration NOTIFY = Duration.ofSeconds(1);

    private final VideoProperties properties;

    public MediaSteps(VideoProperties properties) {
        this.properties = properties;
    }

    public void save(String videoId) throws InterruptedException {
        work(SAVE);
    }

    public void run(String task, String videoId) throws InterruptedException {
        Duration duration = TASKS.get(task);
        if (duration == null) {
            throw new IllegalArgumentException("unknown task '" + task + "' for video " + videoId + "; known: " + TASKS.keySet());
        }
        work(duration);
    }

    public void notifyOwner(String videoId) throws InterruptedException {
        work(NOTIFY);
    }

    private void work(Duration real) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(properties.scaled(real).toNanos());
    }
}
