package io.sluice.core.auth;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys and the principals they stand for, kept in one file under the data dir. A salted SHA-256 of
 * each secret verifies presented keys; comparison is constant-time, and an unknown key id costs the same
 * hashing work as a known one so timing does not reveal which ids exist.
 *
 * <p>Protocols that sign requests with the secret (HMAC) need the secret itself, so each record also keeps
 * the secret sealed with AES-GCM under the {@link MasterKey} (never in plain text). Records written before
 * that existed have no sealed secret: they keep working for presenting the key, they just cannot sign.
 */
public final class ApiKeyStore {

    private record StoredKey(String keyId, Principal principal, byte[] salt, byte[] digest, byte[] sealedSecret) {
    }

    /** What a signed request is checked with: the key's principal and its secret (UTF-8 bytes). */
    public record SigningKey(Principal principal, byte[] secret) {
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] DUMMY_SALT = new byte[16];

    private final Path file;
    /** In a cluster the keys live in this shared document instead of {@link #file}. */
    private final io.sluice.core.io.SharedLines shared;
    private final MasterKey masterKey;
    private final SecureRandom random = new SecureRandom();
    /** Replaced whole when another node changed the shared document, so readers never see half a reload. */
    private volatile Map<String, StoredKey> keys = new ConcurrentHashMap<>();
    /** Opened instead of a real record for unknown ids, so their lookups cost the same. */
    private final byte[] dummySealed;

    /**
     * Keys in {@code file}; secrets are sealed under {@code SLUICE_MASTER_KEY} when set, otherwise under the
     * key in {@code master.key} beside the file (created on first start, owner-only).
     */
    public ApiKeyStore(Path file) {
        this(file, MasterKey.load(Optional.ofNullable(System.getenv(MasterKey.ENVIRONMENT_VARIABLE)),
                file.resolveSibling("master.key")));
    }

    public ApiKeyStore(Path file, MasterKey masterKey) {
        this.file = file;
        this.shared = null;
        this.masterKey = java.util.Objects.requireNonNull(masterKey, "masterKey");
        this.dummySealed = masterKey.encrypt(new byte[32], "\u0000dummy");
        load();
    }

    /**
     * Keys shared by a cluster in {@code document}. Every node must use the same master key (set
     * {@code SLUICE_MASTER_KEY} alike everywhere), or secrets sealed on one node cannot be opened on another.
     * Other nodes' changes arrive with {@link #refresh()}, and at once for a key id this node does not know.
     */
    public ApiKeyStore(io.sluice.core.io.SharedDocument document, MasterKey masterKey) {
        this.file = null;
        this.shared = new io.sluice.core.io.SharedLines(document, this::reload);
        this.masterKey = java.util.Objects.requireNonNull(masterKey, "masterKey");
        this.dummySealed = masterKey.encrypt(new byte[32], "\u0000dummy");
        shared.reload();
    }

    /** Picks up changes other nodes made to the shared document (a cheap version check when nothing changed). */
    public synchronized void refresh() {
        if (shared != null) {
            shared.refresh();
        }
    }

    private void reload(List<String> lines) {
        Map<String, StoredKey> loaded = new ConcurrentHashMap<>();
        parse(lines, loaded);
        keys = loaded;
    }

    /**
     * A key id this node does not know may have been issued on another node a moment ago, so an unknown id
     * costs a version check (one primary-key read). Not throttled: a throttle would refuse a new key that
     * arrives just after another one.
     */
    private StoredKey lookUpMaybeNew(String keyId) {
        StoredKey stored = keys.get(keyId);
        if (stored == null && shared != null) {
            try {
                refresh();
            } catch (RuntimeException unavailable) {
                return null;
            }
            stored = keys.get(keyId);
        }
        return stored;
    }

    /**
     * Applies a change and stores it. With a shared document the change is applied to the latest version
     * and written only if nobody wrote in between; otherwise it is applied again to the newer version.
     */
    private synchronized <T> T change(java.util.function.Supplier<T> mutation) {
        if (shared != null) {
            return shared.change(mutation, this::lines);
        }
        T result = mutation.get();
        save();
        return result;
    }

    /** Verifies a presented key; empty when it is unknown or wrong. */
    public Optional<Principal> authenticate(ApiKey presented) {
        StoredKey stored = lookUpMaybeNew(presented.keyId());
        byte[] salt = stored == null ? DUMMY_SALT : stored.salt();
        byte[] digest = digest(salt, presented.secret());
        if (stored == null) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(digest, stored.digest()) ? Optional.of(stored.principal()) : Optional.empty();
    }

    /**
     * The principal and secret of a key that can sign requests; empty for an unknown key id, for a key stored
     * before secrets were sealed, and for a record sealed under another master key. Costs about the same
     * whichever it is.
     */
    public Optional<SigningKey> signingKey(String keyId) {
        StoredKey stored = keyId == null ? null : lookUpMaybeNew(keyId);
        if (stored == null || stored.sealedSecret() == null) {
            masterKey.decrypt(dummySealed, "\u0000dummy");
            return Optional.empty();
        }
        return masterKey.decrypt(stored.sealedSecret(), stored.keyId())
                .map(secret -> new SigningKey(stored.principal(), secret));
    }

    /** The secret of a key as signing protocols use it (HMAC key), when the store can give it. */
    public Optional<byte[]> signingSecret(String keyId) {
        return signingKey(keyId).map(SigningKey::secret);
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
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] sealed = masterKey.encrypt(key.secret().getBytes(StandardCharsets.UTF_8), key.keyId());
        StoredKey record = new StoredKey(key.keyId(), principal, salt, digest(salt, key.secret()), sealed);
        change(() -> {
            StoredKey existing = keys.get(key.keyId());
            if (existing != null && !existing.principal().id().equals(principal.id())) {
                throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "key id [" + key.keyId() + "] belongs to another principal");
            }
            keys.put(key.keyId(), record);
            return null;
        });
    }

    public synchronized boolean revoke(String keyId) {
        if (shared == null && !keys.containsKey(keyId)) {
            return false;
        }
        return change(() -> keys.remove(keyId) != null);
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
            parse(Files.readAllLines(file, StandardCharsets.UTF_8), keys);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API keys from " + file, e);
        }
    }

    private static void parse(List<String> lines, Map<String, StoredKey> into) {
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            Principal principal = new Principal(fields[1], fields[2], Boolean.parseBoolean(fields[3]));
            // A seventh field holds the sealed secret; older files have six and still verify keys.
            byte[] sealed = fields.length > 6 && !fields[6].isEmpty() ? Base64.getDecoder().decode(fields[6]) : null;
            into.put(fields[0], new StoredKey(fields[0], principal, HEX.parseHex(fields[4]), HEX.parseHex(fields[5]),
                    sealed));
        }
    }

    private void save() {
        io.sluice.core.io.AtomicFiles.writeLines(file, lines());
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("# keyId, principal id, principal name, admin, salt, sha-256(salt || secret),"
                + " AES-GCM(master key, secret) as base64 — secrets are never stored in plain text");
        for (StoredKey key : keys.values()) {
            lines.add(String.join("\t", key.keyId(), key.principal().id(), key.principal().name(),
                    Boolean.toString(key.principal().admin()), HEX.formatHex(key.salt()), HEX.formatHex(key.digest()),
                    key.sealedSecret() == null ? "" : Base64.getEncoder().encodeToString(key.sealedSecret())));
        }
        return lines;
    }
}
