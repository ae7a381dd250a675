package dev.warren.samples.images;

import dev.warren.failure.PermanentFailureException;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.springframework.stereotype.Component;

/** The image work itself, with the JDK's ImageIO and Java2D: file in, file out. */
@Component
public class ImageOperations {

    /** Scales the image to {@code width}, keeping its aspect ratio, and writes it as a PNG (lossless, for the next stage). */
    public void resize(Path in, Path out, int width) throws IOException {
        BufferedImage source = read(in);
        int height = Math.max(1, Math.round(source.getHeight() * (float) width / source.getWidth()));
        BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        ImageIO.write(resized, "png", out.toFile());
    }

    /** Writes the image as a JPEG of the given quality (0 to 1). */
    public void compress(Path in, Path out, float quality) throws IOException {
        writeJpeg(read(in), out, quality);
    }

    /** Draws {@code text} on a translucent band in the bottom right corner and writes a JPEG. */
    public void watermark(Path in, Path out, String text, float quality) throws IOException {
        BufferedImage image = read(in);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, image.getWidth() / 30)));
            int textWidth = g.getFontMetrics().stringWidth(text);
            int textHeight = g.getFontMetrics().getHeight();
            int margin = textHeight / 2;
            int x = image.getWidth() - textWidth - 2 * margin;
            int y = image.getHeight() - textHeight - 2 * margin;
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.5f));
            g.setColor(Color.BLACK);
            g.fillRect(x, y, textWidth + 2 * margin, textHeight + 2 * margin);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.8f));
            g.setColor(Color.WHITE);
            g.drawString(text, x + margin, y + margin + g.getFontMetrics().getAscent());
        } finally {
            g.dispose();
        }
        writeJpeg(image, out, quality);
    }

    private static BufferedImage read(Path in) throws IOException {
        BufferedImage image = ImageIO.read(in.toFile());
        if (image == null) {
            // Retrying cannot help: the message goes straight to the dead-letter queue.
            throw new PermanentFailureException(in.getFileName() + " is not an image ImageIO can read (PNG, JPEG, GIF, BMP)");
        }
        return image;
    }

    private static void writeJpeg(BufferedImage image, Path out, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (ImageOutputStream output = ImageIO.createImageOutputStream(out.toFile())) {
            writer.setOutput(output);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
