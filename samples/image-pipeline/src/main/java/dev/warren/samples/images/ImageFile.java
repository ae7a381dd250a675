package dev.warren.samples.images;

/**
 * The message between two stages: a reference to the file the previous stage wrote, never the
 * image itself, so that messages stay small. On the wire (snake_case, see application.yml):
 * {@code {"image_id":"3f2a...","file":"resized.png"}}.
 *
 * @param imageId the image
 * @param file the file in the image's directory that the next stage reads
 */
public record ImageFile(String imageId, String file) {
}
