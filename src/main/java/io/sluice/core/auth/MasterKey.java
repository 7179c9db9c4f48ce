package io.sluice.core.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit key that encrypts API key secrets at rest (AES-GCM, a random 96-bit nonce per record, the key
 * id as associated data so a record cannot be moved to another key). It comes from
 * {@code SLUICE_MASTER_KEY} (base64 of 32 bytes) when set, otherwise from a file beside the key store that is
 * created on first start with owner-only permissions. Keeping it apart from the key file means a copy of the
 * key file alone reveals no secret.
 */
public final class MasterKey {

    public static final String ENVIRONMENT_VARIABLE = "SLUICE_MASTER_KEY";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private MasterKey(byte[] keyBytes) {
        if (keyBytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("a master key is 32 bytes (base64 of 32 random bytes)");
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
        Arrays.fill(keyBytes, (byte) 0);
    }

    /** From base64 text of 32 bytes, e.g. the value of {@link #ENVIRONMENT_VARIABLE}. */
    public static MasterKey fromBase64(String text) {
        try {
            return new MasterKey(Base64.getDecoder().decode(text.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " must be base64 of exactly 32 bytes");
        }
    }

    /** {@code configured} (base64) when present, otherwise the key in {@code file}, created if missing. */
    public static MasterKey load(Optional<String> configured, Path file) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return fromBase64(configured.get());
        }
        return fromFile(file);
    }

    /** The key kept in {@code file}; a new random key is written there (owner read/write only) when missing. */
    public static MasterKey fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return new MasterKey(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the master key file " + file + " does not hold base64 of 32 bytes", e);
        }
    }

    private static void create(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        byte[] text = Base64.getEncoder().encode(bytes);
        Arrays.fill(bytes, (byte) 0);
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            // Created with its permissions in one step, so it is never readable by others, not even briefly.
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            return;
        }
        Files.write(file, text);
    }

    /**
     * A fingerprint that tells two keys apart without revealing either: HMAC-SHA256 of a fixed label under the key,
     * hex. Nodes of a cluster compare it at start, so a node with another key is refused before it signs anything.
     */
    public String fingerprint() {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(
                    "sluice master key fingerprint v1".getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    /** nonce || ciphertext+tag of {@code plain}, bound to {@code associated}. */
    public byte[] encrypt(byte[] plain, String associated) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            byte[] record = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, record, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, record, NONCE_BYTES, sealed.length);
            return record;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The plain bytes, or empty when the record was not sealed by this key for {@code associated}. */
    public Optional<byte[]> decrypt(byte[] record, String associated) {
        if (record.length <= NONCE_BYTES) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, record, 0, NONCE_BYTES));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            return Optional.of(cipher.doFinal(record, NONCE_BYTES, record.length - NONCE_BYTES));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }
}
