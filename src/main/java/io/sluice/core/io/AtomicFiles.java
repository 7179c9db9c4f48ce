package io.sluice.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Replaces a small file so that a crash (even kill -9 or a power cut) leaves either the old content or the
 * new one, never a torn mix: write a temporary sibling, fsync it, rename it over the target.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    public static void writeLines(Path file, List<String> lines) {
        writeString(file, String.join("\n", lines) + "\n");
    }

    public static void writeString(Path file, String content) {
        writeString(file, content, true);
    }

    /**
     * @param sync false to skip the fsync: the replacement is still atomic and survives the process being killed,
     *     but not a crash of the machine (for records whose loss recovery detects)
     */
    public static void writeString(Path file, String content, boolean sync) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                if (sync) {
                    channel.force(true);
                }
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
