package io.sluice.core.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** File-system helpers of the spool: names, durability and removal. */
final class SpoolFiles {

    static final String MANIFEST_NAME = "manifest.properties";
    static final String MANIFEST_TEMPORARY_NAME = "manifest.properties.tmp";
    /** Suffix of a result directory being deleted; renaming first makes deletion look atomic to readers. */
    static final String DELETING_MARKER = ".deleting-";

    /**
     * Result ids become directory names, so only a conservative alphabet is allowed: no separators, no
     * dots (no "..", no clash with the deleting marker), bounded length.
     */
    private static final Pattern RESULT_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private SpoolFiles() {
    }

    static boolean isValidResultId(String resultId) {
        return RESULT_ID.matcher(resultId).matches();
    }

    static String pageFileName(int pageIndex) {
        return String.format("page-%06d.arrow", pageIndex);
    }

    /**
     * Flushes a directory's entries (new, renamed files) to disk. Some platforms cannot open a directory
     * for this; there the rename is as durable as the platform allows, which is the best available.
     */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // Not supported here (e.g. Windows); nothing more can be done.
        }
    }

    /** Deletes a directory tree and returns the bytes of the regular files removed. Missing is fine. */
    static long deleteRecursively(Path path) throws IOException {
        long freed = 0;
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                for (Path entry : entries) {
                    freed += deleteRecursively(entry);
                }
            } catch (NoSuchFileException gone) {
                return freed;
            }
        } else {
            freed += sizeOrZero(path);
        }
        Files.deleteIfExists(path);
        return freed;
    }

    /** Sum of the sizes of the regular files directly inside a result directory. */
    static long directorySize(Path directory) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    total += sizeOrZero(entry);
                }
            }
        }
        return total;
    }

    /**
     * Brings a spool directory back to a consistent state after a restart or crash: deletes result
     * directories without a manifest (incomplete writes) and interrupted deletions, leaves unknown
     * entries alone, and returns the bytes of the complete results.
     */
    static long recover(Path spoolDirectory) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(spoolDirectory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (name.contains(DELETING_MARKER)) {
                    deleteRecursively(entry);
                } else if (isValidResultId(name)) {
                    if (Files.exists(entry.resolve(MANIFEST_NAME))) {
                        total += directorySize(entry);
                    } else {
                        deleteRecursively(entry);
                    }
                }
            }
        }
        return total;
    }

    /** The ids of the result directories present, complete or not. */
    static List<String> resultIds(Path spoolDirectory) throws IOException {
        List<String> resultIds = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(spoolDirectory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (isValidResultId(name) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    resultIds.add(name);
                }
            }
        }
        return resultIds;
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }
}
