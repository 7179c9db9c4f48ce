package io.sluice.core.error;

/**
 * What a principal is told about an object it may not see: exactly what it is told about one that does not exist
 * (Snowflake's wording), so that errors cannot be used to learn which names exist.
 */
public final class HiddenObjects {

    /** When the hidden object was reached without being named (through a view, say): no name at all. */
    public static final String UNNAMED = "An object this statement refers to does not exist or is not authorized.";

    private HiddenObjects() {
    }

    /** {@code Object 'X' does not exist or not authorized.}, for a missing object and a hidden one alike. */
    public static SluiceError notAuthorized(String object) {
        return new SluiceError(ErrorCode.SQL_CATALOG_ERROR, "Object '" + object + "' does not exist or not authorized.",
                "42P01", null);
    }

    /** The same refusal when no name can be given that the principal wrote itself. */
    public static SluiceError unnamed() {
        return new SluiceError(ErrorCode.SQL_CATALOG_ERROR, UNNAMED, "42P01", null);
    }
}
