package dev.warren.samples.video;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A video as the API shows it.
 *
 * @param videoId its id
 * @param title its title
 * @param status {@code processing} until every step is done, then {@code done}
 * @param finishedSteps the steps finished so far, in order
 * @param processedBy the worker that took the job, once one has
 */
public record Video(String videoId, String title, String status, List<String> finishedSteps, @Nullable String processedBy) {
}
