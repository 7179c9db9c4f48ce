package io.sluice.storage.local;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.export.ExportStorage;
import io.sluice.core.export.SignedFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Exported files in a directory of the data dir; links point back at Sluice
 * ({@code <base>/sluice/exports/<key>?expires=<epoch seconds>&signature=<HMAC>}), signed with
 * HMAC-SHA256 over the key and the expiry with a secret kept beside the files (created on first use, so
 * links survive restarts). A file is written as {@code <name>.part} and renamed when committed, so a file
 * being written is never listed or served.
 */
public final class LocalStorage implements ExportStorage, SignedFiles {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final String PART = ".part";
    private static final String SECRET_FILE = ".link-secret";

    private final Path root;
    private final String publicBaseUrl;
    private final Clock clock;
    private final byte[] secret;

    /**
     * @param publicBaseUrl how clients reach this server (e.g. {@code https://sluice.example.com}); empty
     *     for links relative to the server, which adapters complete with the request's own address
     */
    public LocalStorage(Path root, String publicBaseUrl, Clock clock) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.replaceAll("/+$", "");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(this.root);
            this.secret = loadSecret(this.root.resolve(SECRET_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the export directory " + root, e);
        }
    }

    private static byte[] loadSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Base64.getDecoder().decode(Files.readString(file).trim());
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path temp = file.resolveSibling(SECRET_FILE + PART);
        Files.writeString(temp, Base64.getEncoder().encodeToString(secret), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        return secret;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public Upload create(String key, String contentType) {
        Path target = path(key);
        Path part = target.resolveSibling(target.getFileName() + PART);
        try {
            Files.createDirectories(target.getParent());
            OutputStream out = Files.newOutputStream(part);
            return new LocalUpload(target, part, out);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private static final class LocalUpload implements Upload {
        private final Path target;
        private final Path part;
        private final OutputStream out;

        LocalUpload(Path target, Path part, OutputStream out) {
            this.target = target;
            this.part = part;
            this.out = out;
        }

        @Override
        public OutputStream stream() {
            return out;
        }

        @Override
        public void commit() {
            try {
                out.close();
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                abort();
                throw unavailable(e);
            }
        }

        @Override
        public void abort() {
            try {
                out.close();
            } catch (IOException ignored) {
                // deleting it anyway
            }
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // a leftover .part is never listed and is swept with its folder
            }
        }
    }

    @Override
    public URI link(String key, Duration ttl) {
        path(key);
        // Rounded up to the next whole second: rounding down let a link issued late in a second die up to a
        // second before its time (a one-second link could be dead on arrival).
        java.time.Instant end = clock.instant().plus(ttl);
        long expires = end.getNano() == 0 ? end.getEpochSecond() : end.getEpochSecond() + 1;
        return URI.create(publicBaseUrl + DOWNLOAD_PATH + key + "?expires=" + expires + "&signature=" + sign(key, expires));
    }

    @Override
    public Path verify(String key, String expires, String signature) {
        if (key == null || !KEY.matcher(key).matches() || key.contains("..") || expires == null || signature == null) {
            throw forbidden();
        }
        long expiry;
        try {
            expiry = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw forbidden();
        }
        byte[] expected = sign(key, expiry).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            throw forbidden();
        }
        if (clock.instant().getEpochSecond() >= expiry) {
            throw new SluiceException(ErrorCode.FORBIDDEN, "This download link has expired");
        }
        Path file = path(key);
        if (!Files.isRegularFile(file)) {
            throw new SluiceException(ErrorCode.NOT_FOUND, "The exported file no longer exists");
        }
        return file;
    }

    private static SluiceException forbidden() {
        return new SluiceException(ErrorCode.FORBIDDEN, "The download link is not valid");
    }

    private String sign(String key, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal((key + "\n" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        List<StoredObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(PART) || name.equals(SECRET_FILE)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (!attributes.isRegularFile()) {
                    continue;
                }
                String key = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (key.startsWith(prefix)) {
                    objects.add(new StoredObject(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw unavailable(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
        }
        return objects;
    }

    @Override
    public void delete(String key) {
        Path file = path(key);
        try {
            Files.deleteIfExists(file);
            // Drop folders the last file left empty, up to the root.
            for (Path folder = file.getParent(); folder != null && !folder.equals(root); folder = folder.getParent()) {
                try (Stream<Path> entries = Files.list(folder)) {
                    if (entries.findAny().isPresent()) {
                        break;
                    }
                }
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private Path path(String key) {
        if (key == null || !KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("not a valid export key: " + key);
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("not a valid export key: " + key);
        }
        return path;
    }

    private static SluiceException unavailable(IOException e) {
        return new SluiceException(SluiceError.of(ErrorCode.STORAGE_UNAVAILABLE,
                "the local export store failed: " + e.getMessage()), e);
    }
}
