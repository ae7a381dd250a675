package dev.warren.samples.images;

/**
 * The pipeline's last event: the image is resized, compressed and watermarked. On the wire:
 * {@code {"image_id":"3f2a...","url":"http://localhost:8085/images/3f2a..."}}.
 *
 * @param imageId the image
 * @param url where to fetch it
 */
public record ImageReady(String imageId, String url) {
}
