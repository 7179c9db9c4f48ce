package io.sluice.core.auth;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys and the principals they stand for, kept in one file under the data dir. Only a salted
 * SHA-256 of each secret is stored; verification compares digests in constant time, and an unknown key id
 * costs the same hashing work as a known one so timing does not reveal which ids exist.
 */
public final class ApiKeyStore {

    private record StoredKey(String keyId, Principal principal, byte[] salt, byte[] digest) {
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] DUMMY_SALT = new byte[16];

    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, StoredKey> keys = new ConcurrentHashMap<>();

    public ApiKeyStore(Path file) {
        this.file = file;
        load();
    }

    /** Verifies a presented key; empty when it is unknown or wrong. */
    public Optional<Principal> authenticate(ApiKey presented) {
        StoredKey stored = keys.get(presented.keyId());
        byte[] salt = stored == null ? DUMMY_SALT : stored.salt();
        byte[] digest = digest(salt, presented.secret());
        if (stored == null) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(digest, stored.digest()) ? Optional.of(stored.principal()) : Optional.empty();
    }

    /**
     * The principal with this id, ignoring case (vendor protocols such as Snowflake compare user names that
     * way); empty when no key belongs to such a principal.
     */
    public Optional<Principal> principal(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return keys.values().stream().map(StoredKey::principal)
                .filter(principal -> principal.id().equalsIgnoreCase(id))
                .findFirst();
    }

    /** Issues a new random key for a principal; the returned secret is shown once and never again. */
    public synchronized ApiKey issue(Principal principal) {
        byte[] idBytes = new byte[9];
        byte[] secretBytes = new byte[24];
        random.nextBytes(idBytes);
        random.nextBytes(secretBytes);
        java.util.Base64.Encoder encoder = java.util.Base64.getUrlEncoder().withoutPadding();
        ApiKey key = new ApiKey("k" + encoder.encodeToString(idBytes).replace('-', 'x').replace('_', 'y'),
                encoder.encodeToString(secretBytes));
        register(key, principal);
        return key;
    }

    /** Makes sure exactly this key exists for the principal (SLUICE_ADMIN_API_KEY at start). */
    public synchronized void register(ApiKey key, Principal principal) {
        StoredKey existing = keys.get(key.keyId());
        if (existing != null && !existing.principal().id().equals(principal.id())) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "key id [" + key.keyId() + "] belongs to another principal");
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        keys.put(key.keyId(), new StoredKey(key.keyId(), principal, salt, digest(salt, key.secret())));
        save();
    }

    public synchronized boolean revoke(String keyId) {
        boolean removed = keys.remove(keyId) != null;
        if (removed) {
            save();
        }
        return removed;
    }

    private static byte[] digest(byte[] salt, String secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt);
            return sha256.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                Principal principal = new Principal(fields[1], fields[2], Boolean.parseBoolean(fields[3]));
                keys.put(fields[0], new StoredKey(fields[0], principal, HEX.parseHex(fields[4]), HEX.parseHex(fields[5])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API keys from " + file, e);
        }
    }

    private void save() {
        List<String> lines = new ArrayList<>();
        lines.add("# keyId, principal id, principal name, admin, salt, sha-256(salt || secret) — secrets are never stored");
        for (StoredKey key : keys.values()) {
            lines.add(String.join("\t", key.keyId(), key.principal().id(), key.principal().name(),
                    Boolean.toString(key.principal().admin()), HEX.formatHex(key.salt()), HEX.formatHex(key.digest())));
        }
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write API keys to " + file, e);
        }
    }
}
