package dev.warren.samples.images;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's settings.
 *
 * @param storage the directory images are kept in, one subdirectory per image; in production a
 *     shared volume or an object store that every instance reaches
 * @param width the width the resize stage scales to, keeping the aspect ratio
 * @param quality the JPEG quality of the compress stage, from 0 to 1
 * @param watermark the text the watermark stage draws
 * @param publicUrl where clients reach this service, for the {@code url} of a ready image
 * @param queues the queue between each pair of stages
 */
@ConfigurationProperties("images")
public record ImageProperties(Path storage, int width, float quality, String watermark, String publicUrl, Queues queues) {

    /**
     * The pipeline's queues, named after the event each one carries.
     *
     * @param uploaded an image was uploaded; the resize stage consumes it
     * @param resized an image was resized; the compress stage consumes it
     * @param compressed an image was compressed; the watermark stage consumes it
     * @param ready an image is ready; the notify stage consumes it
     */
    public record Queues(String uploaded, String resized, String compressed, String ready) {
    }
}
