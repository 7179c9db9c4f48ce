package io.sluice.core.access;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises Sluice's administrative statements (Snowflake-style users, roles, grants and keys) and reads
 * them with a small hand-written parser for exactly this grammar:
 *
 * <pre>
 * CREATE USER [IF NOT EXISTS] u          DROP USER u
 * CREATE ROLE [IF NOT EXISTS] r          DROP ROLE r
 * GRANT ROLE r TO USER u                 REVOKE ROLE r FROM USER u
 * GRANT priv[, priv…] ON TABLE t | ON ALL TABLES IN SCHEMA s | ON SCHEMA s TO ROLE r
 * REVOKE priv[, priv…] ON … FROM ROLE r      (priv: SELECT, INSERT, UPDATE, DELETE, ALL [PRIVILEGES])
 * SHOW GRANTS [TO ROLE r | TO USER u]    SHOW USERS    SHOW ROLES
 * CREATE API KEY FOR USER u              DROP API KEY id
 * ALTER USER u SET RSA_PUBLIC_KEY[_2] = '…'
 * </pre>
 *
 * Anything else is not an admin statement and goes to the engine.
 */
public final class AdminStatementParser {

    private enum Type { WORD, QUOTED, STRING, SYMBOL }

    private record Token(Type type, String text) {
        boolean is(String keyword) {
            return type == Type.WORD && text.equalsIgnoreCase(keyword);
        }
    }

    private final List<Token> tokens;
    private int position;

    private AdminStatementParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The admin command in {@code sql}, or empty when it is ordinary SQL for the engine. */
    public static Optional<AdminCommand> parse(String sql) {
        List<Token> tokens;
        try {
            tokens = tokenize(sql);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // unterminated quotes and the like: the engine reports those
        }
        if (tokens.isEmpty() || !isAdmin(tokens)) {
            return Optional.empty();
        }
        return Optional.of(new AdminStatementParser(tokens).command());
    }

    private static boolean isAdmin(List<Token> tokens) {
        Token first = tokens.getFirst();
        Token second = tokens.size() > 1 ? tokens.get(1) : new Token(Type.SYMBOL, "");
        if (first.is("GRANT") || first.is("REVOKE")) {
            return true;
        }
        if (first.is("CREATE") || first.is("DROP")) {
            return second.is("USER") || second.is("ROLE") || second.is("API");
        }
        if (first.is("SHOW")) {
            return second.is("GRANTS") || second.is("USERS") || second.is("ROLES");
        }
        return first.is("ALTER") && (second.is("USER") || second.is("ROLE"));
    }

    private AdminCommand command() {
        String first = word();
        AdminCommand command = switch (first) {
            case "CREATE" -> create();
            case "DROP" -> drop();
            case "GRANT" -> grant(false);
            case "REVOKE" -> grant(true);
            case "SHOW" -> show();
            case "ALTER" -> peek("ROLE") ? alterRole() : alterUser();
            default -> throw syntax("unexpected " + first);
        };
        if (position < tokens.size() && tokens.get(position).text().equals(";")) {
            position++;
        }
        if (position < tokens.size()) {
            throw syntax("unexpected '" + tokens.get(position).text() + "' at the end of the statement");
        }
        return command;
    }

    private AdminCommand create() {
        String what = word();
        switch (what) {
            case "USER" -> {
                boolean ifNotExists = ifNotExists();
                return new AdminCommand.CreateUser(name(), ifNotExists);
            }
            case "ROLE" -> {
                boolean ifNotExists = ifNotExists();
                return new AdminCommand.CreateRole(name(), ifNotExists);
            }
            default -> {
                expect("KEY");
                expect("FOR");
                expect("USER");
                return new AdminCommand.CreateApiKey(name());
            }
        }
    }

    private boolean ifNotExists() {
        if (peek("IF")) {
            position++;
            expect("NOT");
            expect("EXISTS");
            return true;
        }
        return false;
    }

    private AdminCommand drop() {
        String what = word();
        return switch (what) {
            case "USER" -> new AdminCommand.DropUser(name());
            case "ROLE" -> new AdminCommand.DropRole(name());
            default -> {
                expect("KEY");
                yield new AdminCommand.DropApiKey(name());
            }
        };
    }

    private AdminCommand grant(boolean revoke) {
        String direction = revoke ? "FROM" : "TO";
        if (peek("ROLE")) {
            position++;
            String role = name();
            expect(direction);
            expect("USER");
            return new AdminCommand.GrantRole(role, name(), revoke);
        }
        List<Privilege> privileges = new ArrayList<>();
        do {
            String privilege = word();
            try {
                privileges.add(Privilege.valueOf(privilege));
            } catch (IllegalArgumentException e) {
                throw syntax("unknown privilege " + privilege + " (SELECT, INSERT, UPDATE, DELETE or ALL)");
            }
            if (privilege.equals("ALL") && peek("PRIVILEGES")) {
                position++;
            }
        } while (symbol(","));
        expect("ON");
        Grant.ObjectKind on;
        if (peek("TABLE")) {
            position++;
            on = Grant.ObjectKind.TABLE;
        } else if (peek("ALL")) {
            position++;
            expect("TABLES");
            expect("IN");
            expect("SCHEMA");
            on = Grant.ObjectKind.SCHEMA;
        } else {
            expect("SCHEMA");
            on = Grant.ObjectKind.SCHEMA;
        }
        List<String> object = qualifiedName();
        expect(direction);
        expect("ROLE");
        return new AdminCommand.GrantPrivileges(privileges, on, object, name(), revoke);
    }

    private AdminCommand show() {
        String what = word();
        return switch (what) {
            case "USERS" -> new AdminCommand.ShowUsers();
            case "ROLES" -> new AdminCommand.ShowRoles();
            default -> {
                if (position >= tokens.size() || tokens.get(position).text().equals(";")) {
                    yield new AdminCommand.ShowGrants(null, null);
                }
                expect("TO");
                String kind = word();
                if (kind.equals("ROLE")) {
                    yield new AdminCommand.ShowGrants(name(), null);
                }
                if (kind.equals("USER")) {
                    yield new AdminCommand.ShowGrants(null, name());
                }
                throw syntax("expected ROLE or USER after SHOW GRANTS TO");
            }
        };
    }

    private AdminCommand alterRole() {
        expect("ROLE");
        String role = name();
        String action = word();
        if (!action.equals("SET") && !action.equals("UNSET")) {
            throw syntax("expected SET or UNSET after the role name");
        }
        String parameter = word();
        RoleLimit limit;
        try {
            limit = RoleLimit.valueOf(parameter);
        } catch (IllegalArgumentException e) {
            throw syntax("only " + java.util.Arrays.stream(RoleLimit.values()).map(Enum::name)
                    .collect(java.util.stream.Collectors.joining(", ")) + " can be set on a role");
        }
        if (action.equals("UNSET")) {
            return new AdminCommand.SetRoleLimit(role, limit, null);
        }
        if (!symbol("=")) {
            throw syntax("expected = after " + parameter);
        }
        Token value = next();
        long number;
        try {
            number = Long.parseLong(value.text());
        } catch (NumberFormatException e) {
            throw syntax(parameter + " must be " + limit.unit());
        }
        if (number < 1 || number > limit.max()) {
            throw syntax(parameter + " must be between 1 and " + limit.max());
        }
        return new AdminCommand.SetRoleLimit(role, limit, number);
    }

    private AdminCommand alterUser() {
        expect("USER");
        String user = name();
        expect("SET");
        String slot = word();
        if (!slot.equals("RSA_PUBLIC_KEY") && !slot.equals("RSA_PUBLIC_KEY_2")) {
            throw syntax("only RSA_PUBLIC_KEY and RSA_PUBLIC_KEY_2 can be set");
        }
        if (!symbol("=")) {
            throw syntax("expected = after " + slot);
        }
        Token value = next();
        if (value.type() != Type.STRING) {
            throw syntax("expected the key as a string literal");
        }
        return new AdminCommand.SetRsaPublicKey(user, slot, value.text());
    }

    // ---- tokens --------------------------------------------------------------------------------------

    private Token next() {
        if (position >= tokens.size()) {
            throw syntax("the statement ends too early");
        }
        return tokens.get(position++);
    }

    private String word() {
        Token token = next();
        if (token.type() != Type.WORD) {
            throw syntax("expected a keyword, found '" + token.text() + "'");
        }
        return token.text().toUpperCase(Locale.ROOT);
    }

    private boolean peek(String keyword) {
        return position < tokens.size() && tokens.get(position).is(keyword);
    }

    private boolean symbol(String symbol) {
        if (position < tokens.size() && tokens.get(position).type() == Type.SYMBOL && tokens.get(position).text().equals(symbol)) {
            position++;
            return true;
        }
        return false;
    }

    private void expect(String keyword) {
        Token token = position < tokens.size() ? tokens.get(position) : null;
        if (token == null || !token.is(keyword)) {
            throw syntax("expected " + keyword + (token == null ? " at the end" : ", found '" + token.text() + "'"));
        }
        position++;
    }

    /** A user, role or key name: a bare word (kept as written) or a "quoted" name. */
    private String name() {
        Token token = next();
        if (token.type() != Type.WORD && token.type() != Type.QUOTED && token.type() != Type.STRING) {
            throw syntax("expected a name, found '" + token.text() + "'");
        }
        return token.text();
    }

    private List<String> qualifiedName() {
        List<String> parts = new ArrayList<>();
        parts.add(name());
        while (symbol(".")) {
            parts.add(name());
        }
        if (parts.size() > 3) {
            throw syntax("a name has at most three parts (catalog.schema.table)");
        }
        return parts;
    }

    private static SluiceException syntax(String message) {
        return new SluiceException(new SluiceError(ErrorCode.SQL_SYNTAX_ERROR, "Syntax error in admin statement: " + message,
                "42601", null));
    }

    private static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end + 1;
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated comment");
                }
                i = end + 2;
            } else if (c == '"' || c == '\'') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= sql.length()) {
                        throw new IllegalArgumentException("unterminated quote");
                    }
                    char d = sql.charAt(j);
                    if (d == c) {
                        if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
                            text.append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    text.append(d);
                    j++;
                }
                tokens.add(new Token(c == '"' ? Type.QUOTED : Type.STRING, text.toString()));
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int j = i;
                while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
                        || sql.charAt(j) == '$' || sql.charAt(j) == '-')) {
                    j++;
                }
                tokens.add(new Token(Type.WORD, sql.substring(i, j)));
                i = j;
            } else {
                tokens.add(new Token(Type.SYMBOL, String.valueOf(c)));
                i++;
            }
        }
        return tokens;
    }
}
