package io.sluice.protocol.snowflake;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.snowflake.SqlApiContract.Operation;
import org.junit.jupiter.api.Test;

/** The contract checker itself: it accepts the description's own examples and refuses what breaks its schemas. */
class SqlApiContractTest {

    private static final String HANDLE = "536fad38-b564-4dc5-9892-a4543504df6c";

    @Test
    void acceptsBodiesShapedAsTheDescriptionSays() {
        assertThatCode(() -> SqlApiContract.check(Operation.SUBMIT, 200, "{\"resultSetMetaData\": {\"format\": \"jsonv2\", "
                + "\"numRows\": 1, \"rowType\": [{\"name\": \"ROWNUM\", \"type\": \"FIXED\", \"length\": 0, \"precision\": 38, "
                + "\"scale\": 0, \"nullable\": false}], \"partitionInfo\": [{\"rowCount\": 1, \"uncompressedSize\": 10}]}, "
                + "\"data\": [[\"1\", null]], \"code\": \"090001\", \"statementHandle\": \"" + HANDLE + "\", \"createdOn\": 1597090533987}"))
                .doesNotThrowAnyException();
        assertThatCode(() -> SqlApiContract.check(Operation.STATUS, 202, "{\"code\": \"333334\", \"statementHandle\": \""
                + HANDLE + "\", \"statementStatusUrl\": \"/api/v2/statements/" + HANDLE + "\"}")).doesNotThrowAnyException();
        assertThatCode(() -> SqlApiContract.check(Operation.CANCEL, 200, "{\"message\": \"successfully canceled\", "
                + "\"statementHandle\": \"" + HANDLE + "\"}")).doesNotThrowAnyException();
        assertThatCode(() -> SqlApiContract.check(Operation.SUBMIT, 405, "")).doesNotThrowAnyException();
    }

    @Test
    void refusesWhatBreaksTheSchemas() {
        // A null where the description declares an integer (OpenAPI 3.0: not nullable unless marked).
        assertThatThrownBy(() -> SqlApiContract.check(Operation.SUBMIT, 200, "{\"resultSetMetaData\": {\"rowType\": "
                + "[{\"name\": \"A\", \"type\": \"text\", \"scale\": null}]}}")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SqlApiContract.check(Operation.SUBMIT, 200, "{\"resultSetMetaData\": {\"format\": \"json\"}}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SqlApiContract.check(Operation.SUBMIT, 200, "{\"resultSetMetaData\": {\"rowType\": []}}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SqlApiContract.check(Operation.SUBMIT, 200, "{\"data\": [[1]]}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SqlApiContract.check(Operation.SUBMIT, 200, "{\"createdOn\": \"1597090533987\"}"))
                .isInstanceOf(AssertionError.class);
        // Required fields.
        assertThatThrownBy(() -> SqlApiContract.check(Operation.STATUS, 422, "{\"statementHandle\": \"" + HANDLE + "\"}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SqlApiContract.check(Operation.SUBMIT, 202, "{\"code\": \"333334\"}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SqlApiContract.check(Operation.CANCEL, 200, "{\"statementHandle\": \"not-a-uuid\"}"))
                .isInstanceOf(AssertionError.class);
        // A status the operation does not declare.
        assertThatThrownBy(() -> SqlApiContract.check(Operation.CANCEL, 202, "{}")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SqlApiContract.check(Operation.STATUS, 408, "{}")).isInstanceOf(AssertionError.class);
    }
}
