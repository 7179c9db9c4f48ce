package io.sluice.core.auth;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RSA public keys registered for principals, for protocols that authenticate with key-pair signed tokens
 * (Snowflake's KEYPAIR_JWT). Each user has up to two key slots so a key can be rotated without downtime.
 * Keys are kept in one file under the data dir, rewritten atomically on every change; only public keys
 * are stored. A key is identified by its fingerprint: {@code SHA256:} and the base64 SHA-256 of its DER
 * SubjectPublicKeyInfo encoding.
 */
public final class PublicKeyStore {

    /** A registered key; {@code slot} is 1 or 2. */
    public record RegisteredKey(Principal principal, int slot, String fingerprint, RSAPublicKey key) {
    }

    private final Path file;
    /** In a cluster the keys live in this shared document instead of {@link #file}. */
    private final io.sluice.core.io.SharedLines shared;
    /** By upper-cased principal id, then slot; replaced whole when another node changed the shared document. */
    private volatile Map<String, Map<Integer, RegisteredKey>> keys = new ConcurrentHashMap<>();

    public PublicKeyStore(Path file) {
        this.file = file;
        this.shared = null;
        load();
    }

    /** Public keys shared by a cluster; other nodes' changes arrive with {@link #refresh()}. */
    public PublicKeyStore(io.sluice.core.io.SharedDocument document) {
        this.file = null;
        this.shared = new io.sluice.core.io.SharedLines(document, this::reload);
        shared.reload();
    }

    /** Picks up changes other nodes made (a cheap version check when nothing changed). */
    public synchronized void refresh() {
        if (shared != null) {
            shared.refresh();
        }
    }

    private void reload(List<String> lines) {
        Map<String, Map<Integer, RegisteredKey>> loaded = new ConcurrentHashMap<>();
        parseInto(lines, loaded);
        keys = loaded;
    }

    /** Applies a change and stores it; in a cluster to the latest version, retried if another node wrote first. */
    private <T> T change(java.util.function.Supplier<T> mutation) {
        if (shared != null) {
            return shared.change(mutation, this::lines);
        }
        T result = mutation.get();
        save();
        return result;
    }

    /**
     * Registers (or replaces) the key in a slot for a principal. {@code base64Der} is the base64 DER
     * SubjectPublicKeyInfo, with or without PEM armour and line breaks. Returns the key's fingerprint.
     */
    public synchronized String register(Principal principal, int slot, String base64Der) {
        if (slot != 1 && slot != 2) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER, "A public key slot is 1 or 2");
        }
        RSAPublicKey key = parse(base64Der);
        RegisteredKey registered = new RegisteredKey(principal, slot, fingerprint(key), key);
        return change(() -> {
            keys.computeIfAbsent(upper(principal.id()), ignored -> new ConcurrentHashMap<>()).put(slot, registered);
            return registered.fingerprint();
        });
    }

    /** Removes the key in a slot; false when there was none. */
    public synchronized boolean unregister(String principalId, int slot) {
        return change(() -> {
            Map<Integer, RegisteredKey> slots = keys.get(upper(principalId));
            return slots != null && slots.remove(slot) != null;
        });
    }

    /**
     * The key registered for the user (compared ignoring case) with this fingerprint. In a cluster a key
     * registered on another node a moment ago is looked for again (a version check).
     */
    public Optional<RegisteredKey> find(String principalId, String fingerprint) {
        if (principalId == null || fingerprint == null) {
            return Optional.empty();
        }
        Optional<RegisteredKey> found = findLoaded(principalId, fingerprint);
        if (found.isEmpty() && shared != null) {
            try {
                refresh();
            } catch (RuntimeException unavailable) {
                return Optional.empty();
            }
            found = findLoaded(principalId, fingerprint);
        }
        return found;
    }

    private Optional<RegisteredKey> findLoaded(String principalId, String fingerprint) {
        Map<Integer, RegisteredKey> slots = keys.get(upper(principalId));
        if (slots == null) {
            return Optional.empty();
        }
        return slots.values().stream()
                .filter(key -> MessageDigest.isEqual(key.fingerprint().getBytes(StandardCharsets.UTF_8),
                        fingerprint.getBytes(StandardCharsets.UTF_8)))
                .findFirst();
    }

    /** The keys of one user, by slot. */
    public List<RegisteredKey> keysOf(String principalId) {
        Map<Integer, RegisteredKey> slots = keys.get(upper(principalId));
        return slots == null ? List.of() : List.copyOf(slots.values());
    }

    /** {@code SHA256:} + base64(sha256(DER SubjectPublicKeyInfo)), as Snowflake shows RSA_PUBLIC_KEY_FP. */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "SHA256:" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Parses a base64 DER (or PEM) RSA public key; INVALID_PARAMETER when it is not one. */
    public static RSAPublicKey parse(String base64Der) {
        if (base64Der == null) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER, "The public key is missing");
        }
        String text = base64Der.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(text);
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            if (!(key instanceof RSAPublicKey rsa)) {
                throw new SluiceException(ErrorCode.INVALID_PARAMETER, "The public key is not an RSA key");
            }
            if (rsa.getModulus().bitLength() < 2048) {
                throw new SluiceException(ErrorCode.INVALID_PARAMETER, "An RSA public key needs at least 2048 bits");
            }
            return rsa;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER,
                    "The public key is not a base64 DER-encoded RSA public key");
        }
    }

    private static String upper(String id) {
        return id == null ? "" : id.toUpperCase(Locale.ROOT);
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            parseInto(Files.readAllLines(file, StandardCharsets.UTF_8), keys);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read public keys from " + file, e);
        }
    }

    private static void parseInto(List<String> lines, Map<String, Map<Integer, RegisteredKey>> into) {
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            Principal principal = new Principal(fields[0], fields[1], Boolean.parseBoolean(fields[2]));
            int slot = Integer.parseInt(fields[3]);
            RSAPublicKey key = parse(fields[4]);
            into.computeIfAbsent(upper(principal.id()), ignored -> new ConcurrentHashMap<>())
                    .put(slot, new RegisteredKey(principal, slot, fingerprint(key), key));
        }
    }

    private void save() {
        io.sluice.core.io.AtomicFiles.writeLines(file, lines());
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("# principal id, principal name, admin, slot, base64 DER public key");
        for (Map<Integer, RegisteredKey> slots : keys.values()) {
            for (RegisteredKey key : slots.values()) {
                lines.add(String.join("\t", key.principal().id(), key.principal().name(),
                        Boolean.toString(key.principal().admin()), Integer.toString(key.slot()),
                        Base64.getEncoder().encodeToString(key.key().getEncoded())));
            }
        }
        return lines;
    }
}
