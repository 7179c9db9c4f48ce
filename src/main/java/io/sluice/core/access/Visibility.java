package io.sluice.core.access;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Engine;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.HiddenObjects;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a principal may be told exists: the tables and views it holds a privilege on. Everything else is refused,
 * and its names kept out of errors, exactly as if it did not exist (issue 19: error text must not reveal what
 * grants hide). Names are resolved by the engine; this class only decides.
 */
final class Visibility {

    private final AccessStore store;
    private final Engine engine;

    Visibility(AccessStore store, Engine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** The refusal of a read or write of {@code table}, which the principal holds nothing on. */
    SluiceException refusal(Principal principal, String table, String sql) {
        return new SluiceException(writtenNameOf(table, sql).or(() -> firstHiddenWritten(principal, sql))
                .map(HiddenObjects::notAuthorized).orElseGet(HiddenObjects::unnamed));
    }

    /** Whether the principal holds any privilege on {@code table} (never on Sluice's own). */
    boolean sees(Principal principal, String table) {
        if (AccessControl.reserved(table)) {
            return false;
        }
        for (Privilege any : Privilege.values()) {
            if (store.allows(principal.id(), any, table)) {
                return true;
            }
        }
        return false;
    }

    /** The last part of the name {@code sql} wrote for {@code table}, as written; empty when it wrote none. */
    private Optional<String> writtenNameOf(String table, String sql) {
        for (List<String> written : WrittenNames.in(sql)) {
            if (engine.resolveTable(written).filter(table::equals).isPresent()) {
                return Optional.of(written.getLast());
            }
        }
        return Optional.empty();
    }

    /** The first name {@code sql} writes for an object the principal holds nothing on (a view over the table, say). */
    private Optional<String> firstHiddenWritten(Principal principal, String sql) {
        for (List<String> written : WrittenNames.in(sql)) {
            if (engine.resolveTable(written).filter(table -> !sees(principal, table)).isPresent()) {
                return Optional.of(written.getLast());
            }
        }
        return Optional.empty();
    }

    /**
     * An engine error as a principal that is not an admin may read it. When the statement names an object hidden
     * from it, the error is the hidden-object refusal whatever the engine said (a misspelled column of a hidden
     * table, a type error on one of its columns: the engine binds before grants are checked, and its message would
     * tell names and types). Otherwise the engine strips what its message tells of hidden objects (suggestions,
     * candidates, view text). Admins get the engine's message as it is.
     */
    SluiceException forReader(Principal principal, String sql, SluiceException failure) {
        SluiceError error = failure.error();
        if (principal.admin() || (error.code() != ErrorCode.SQL_ERROR && error.code() != ErrorCode.SQL_CATALOG_ERROR)) {
            return failure;
        }
        store.refresh();
        Map<List<String>, Boolean> visible = new java.util.HashMap<>();
        java.util.function.Predicate<List<String>> visibleTo = parts -> visible.computeIfAbsent(parts,
                name -> engine.resolveTable(name).map(table -> sees(principal, table)).orElse(true));
        for (List<String> written : WrittenNames.in(sql)) {
            if (!visibleTo.test(written)) {
                return new SluiceException(HiddenObjects.notAuthorized(written.getLast()), failure);
            }
        }
        SluiceError shown = engine.withoutHiddenObjects(error, visibleTo);
        return shown.equals(error) ? failure : new SluiceException(shown, failure);
    }
}
