package io.sluice.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sluice.core.error.SluiceException;
import io.sluice.core.export.SignedFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves exported files of the local store behind their signed links, with no other credential: the
 * signature is the credential. Supports one HTTP Range per request (206, or 416 when unsatisfiable) and
 * streams from the file without loading it. A tampered or expired link gets 403.
 */
public final class ExportDownloads implements HttpApi {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final SignedFiles files;

    public ExportDownloads(SignedFiles files) {
        this.files = Objects.requireNonNull(files, "files");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(SignedFiles.DOWNLOAD_PATH + "<key>", this::download);
        routes.head(SignedFiles.DOWNLOAD_PATH + "<key>", this::download);
    }

    private void download(Context context) throws IOException {
        Path file;
        try {
            file = files.verify(context.pathParam("key"), context.queryParam("expires"), context.queryParam("signature"));
        } catch (SluiceException e) {
            context.status(HttpStatuses.of(e.code().category())).json(Map.of("code", e.code().name(), "message", e.getMessage()));
            return;
        }
        long size = Files.size(file);
        String name = file.getFileName().toString();
        context.header("Accept-Ranges", "bytes");
        context.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        context.contentType(name.endsWith(".parquet") ? "application/vnd.apache.parquet"
                : name.endsWith(".gz") ? "application/gzip" : "text/csv");
        long start = 0;
        long end = size - 1;
        String range = context.header("Range");
        if (range != null) {
            Matcher matcher = RANGE.matcher(range.trim());
            if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
                unsatisfiable(context, size);
                return;
            }
            if (matcher.group(1).isEmpty()) {
                long suffix = Long.parseLong(matcher.group(2));
                start = Math.max(0, size - suffix);
            } else {
                start = Long.parseLong(matcher.group(1));
                if (!matcher.group(2).isEmpty()) {
                    end = Math.min(end, Long.parseLong(matcher.group(2)));
                }
            }
            if (start >= size || start > end) {
                unsatisfiable(context, size);
                return;
            }
            context.status(206);
            context.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        long length = end - start + 1;
        context.header("Content-Length", String.valueOf(Math.max(0, length)));
        if (context.method().name().equals("HEAD") || length <= 0) {
            return;
        }
        OutputStream out = context.outputStream();
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(start);
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    break;
                }
                out.write(buffer, 0, read);
                left -= read;
            }
        }
        out.flush();
    }

    private static void unsatisfiable(Context context, long size) {
        context.status(416).header("Content-Range", "bytes */" + size);
    }
}
