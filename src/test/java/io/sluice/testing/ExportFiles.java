package io.sluice.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Downloads exported files with a plain HTTP client and reads them back with a test-owned DuckDB. */
public final class ExportFiles {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private ExportFiles() {
    }

    public static HttpResponse<byte[]> get(String url) {
        return get(url, null);
    }

    public static HttpResponse<byte[]> get(String url, String range) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
            if (range != null) {
                request.header("Range", range);
            }
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Downloads every link into {@code directory}, keeping the file names of the links. */
    public static List<Path> download(List<String> urls, Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String url : urls) {
            HttpResponse<byte[]> response = get(url);
            if (response.statusCode() != 200) {
                throw new AssertionError("download of " + url + " answered " + response.statusCode());
            }
            String path = URI.create(url).getPath();
            Path file = directory.resolve(path.substring(path.lastIndexOf('/') + 1));
            Files.write(file, response.body());
            files.add(file);
        }
        return files;
    }

    /** Rows of a query on a private in-memory DuckDB, every value as text, in the query's order. */
    public static List<List<String>> rows(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    row.add(result.getString(column));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    public static String fileList(List<Path> files) {
        return "[" + String.join(", ", files.stream().map(file -> "'" + file.toAbsolutePath() + "'").toList()) + "]";
    }
}
